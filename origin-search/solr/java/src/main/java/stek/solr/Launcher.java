package stek.solr;

import java.nio.file.Path;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Runs one Solr HTTP server from a solr home on 127.0.0.1. Arguments: solr home, port (0 picks a
 * free one). Prints one readiness line with the port once Solr serves requests, then runs until
 * the process is stopped.
 */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: Launcher <solr-home> <port>");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    JettyConfig config = JettyConfig.builder().setPort(port).setContext("/solr").build();
    JettySolrRunner runner = new JettySolrRunner(home.toString(), config);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        runner.stop();
      } catch (Exception e) {
        // The JVM is exiting anyway; a failed stop only means the port closes with the process.
      }
    }));
    runner.start();
    System.out.println("SOLR_READY port=" + runner.getLocalPort());
    System.out.flush();
    Thread.currentThread().join();
  }
}
