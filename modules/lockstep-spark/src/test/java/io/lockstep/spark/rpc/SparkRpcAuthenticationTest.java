package io.lockstep.spark.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lockstep.spark.LocalSpark;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkEnv;
import org.junit.jupiter.api.Test;

/**
 * The coordinator sits on the driver's own RPC environment, so Spark's authentication guards it: with
 * {@code spark.authenticate=true}, a client in another JVM that holds the secret is served and one with a wrong
 * secret is refused. (In one JVM the check cannot be seen: in local mode Spark generates the secret and keeps it
 * in the process's Hadoop credentials, which every RpcEnv of the process shares.)
 */
class SparkRpcAuthenticationTest {

    private static int probe(EndpointAddress at, String secret) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("--add-opens")) {
                command.add(argument);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), RpcProbe.class.getName(),
                at.host(), String.valueOf(at.port()), at.name(), secret));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the probe JVM did not finish:\n" + output);
        }
        return process.exitValue();
    }

    @Test
    void aClientWithTheSecretIsServedAndOneWithAWrongSecretIsRefused() throws Exception {
        LocalSpark.context();
        String secret = SparkEnv.get().securityManager().getSecretKey();
        EndpointAddress at = SparkRpc.register("auth-test", (message, reply) -> reply.reply("served " + message));
        try {
            assertEquals(0, probe(at, secret), "a client with the secret is served");
            assertEquals(3, probe(at, secret + "-wrong"), "a client with a wrong secret is refused");
        } finally {
            SparkRpc.stop(at);
        }
    }
}
