import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;

/**
 * A small `helm template` / `helm lint` on helm-java (Helm's Go library, embedded through JNA), for machines without a
 * helm binary. Run by scripts/helm.sh; the arguments follow helm's:
 *   template CHART [--name N] [--namespace NS] [--kube-version V] [-f VALUES]... [--set KEY=VALUE]...
 *   lint CHART [--strict]
 */
public class HelmCli {
  public static void main(String[] args) throws Exception {
    if (args.length < 2) { usage(); return; }
    Helm helm = new Helm(Path.of(args[1]));
    switch (args[0]) {
      case "template" -> {
        // helm-java's own default is Kubernetes 1.20; the chart needs 1.27+ (helm's --kube-version chooses).
        TemplateCommand t = helm.template().withName("paklog").withKubeVersion("1.30.0");
        for (int i = 2; i < args.length; i++) {
          switch (args[i]) {
            case "--name" -> t = t.withName(args[++i]);
            case "--namespace", "-n" -> t = t.withNamespace(args[++i]);
            case "--kube-version" -> t = t.withKubeVersion(args[++i]);
            case "-f", "--values" -> t = t.withValuesFile(Path.of(args[++i]));
            case "--set" -> {
              String kv = args[++i];
              int eq = kv.indexOf('=');
              t = t.set(kv.substring(0, eq), kv.substring(eq + 1));
            }
            default -> { usage(); return; }
          }
        }
        System.out.print(t.call());
      }
      case "lint" -> {
        var l = helm.lint();
        for (int i = 2; i < args.length; i++) {
          if (args[i].equals("--strict")) l = l.strict();
          else { usage(); return; }
        }
        LintResult r = l.call();
        r.getMessages().forEach(System.out::println);
        if (r.isFailed()) System.exit(1);
      }
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println("usage: scripts/helm.sh template CHART [--name N] [--namespace NS] [--kube-version V] [-f VALUES]... [--set KEY=VALUE]...\n       scripts/helm.sh lint CHART [--strict]");
    System.exit(2);
  }
}
