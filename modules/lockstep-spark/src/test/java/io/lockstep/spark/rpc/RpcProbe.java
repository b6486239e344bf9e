package io.lockstep.spark.rpc;

import java.time.Duration;
import org.apache.spark.SecurityManager;
import org.apache.spark.SecurityManager$;
import org.apache.spark.SparkConf;
import org.apache.spark.rpc.RpcEnv;

/**
 * A client in its own JVM (as an executor or an outsider would be): asks an endpoint once with the given
 * authentication secret. Exit code 0 when served, 3 when refused.
 * Arguments: host port endpoint-name secret.
 */
public final class RpcProbe {
    private RpcProbe() {
    }

    public static void main(String[] args) {
        SparkConf conf = new SparkConf()
                .set("spark.authenticate", "true")
                .set("spark.authenticate.secret", args[3])
                .set("spark.master", "spark://127.0.0.1:1");
        SecurityManager security = new SecurityManager(conf, SecurityManager$.MODULE$.$lessinit$greater$default$2(),
                SecurityManager$.MODULE$.$lessinit$greater$default$3());
        RpcEnv env = RpcEnv.create("lockstep-probe", "127.0.0.1", "127.0.0.1", 0, conf, security, 1, true);
        int exit;
        try {
            Object reply = SparkRpc.connect(new EndpointAddress(args[0], Integer.parseInt(args[1]), args[2]), env)
                    .ask("probe", Duration.ofSeconds(10));
            System.out.println("served: " + reply);
            exit = 0;
        } catch (RuntimeException e) {
            System.out.println("refused: " + e.getMessage());
            exit = 3;
        } finally {
            env.shutdown();
        }
        System.exit(exit);
    }
}
