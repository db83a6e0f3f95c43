// Cold Lambda workers in the emulator take a few hundred ms each; 50 at once take seconds.
jest.setTimeout(120_000);
