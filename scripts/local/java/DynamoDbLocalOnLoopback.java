import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * AWS's DynamoDB Local, in memory, listening on 127.0.0.1 only (its own command line binds every
 * interface). Reuses its request handler and Jetty handler tree on a loopback connector. Prints
 * "listening <port>" when ready; stops when its standard input closes or it is signalled.
 * Run in Java's source-file mode: java -cp '<DynamoDB Local jars>/*' DynamoDbLocalOnLoopback.java [port]
 */
public class DynamoDbLocalOnLoopback {
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    // in memory, no db path, not shared across credentials/regions, no delayed transient statuses
    LocalDynamoDBRequestHandler requests = new LocalDynamoDBRequestHandler(0, true, null, false, false);
    LocalDynamoDBServerHandler handler = new LocalDynamoDBServerHandler(requests, null);
    // Constructing the proxy binds nothing; it only builds the handler tree we mount below.
    DynamoDBProxyServer proxy = new DynamoDBProxyServer(0, handler);
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(proxy.setUpHandler(handler));
    server.start();
    System.out.println("listening " + connector.getLocalPort());
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try { server.stop(); } catch (Exception ignored) { }
    }));
    // The parent holds our standard input open; when it goes away, so do we.
    while (System.in.read() != -1) { }
    server.stop();
    System.exit(0);
  }
}
