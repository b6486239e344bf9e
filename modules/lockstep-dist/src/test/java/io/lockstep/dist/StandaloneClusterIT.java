package io.lockstep.dist;

import static io.lockstep.testing.ParameterAssertions.assertSameParameters;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.testing.Closeness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Lockstep across JVMs, as users run it: a standalone cluster of a Master and 2 Workers (deploy/standalone.sh, Spark
 * jars from Maven Central), the application jar submitted through Spark's SparkSubmit (deploy/submit.sh, the
 * project's Spark settings: Kryo with registration required, RPC authentication), the driver in the submitting JVM
 * and one executor JVM per worker. 100 steps of LeNet-5-BN, W = 2, exact SyncBN, double precision, global batch 32,
 * on made-up Fashion-MNIST files. Stopping the cluster checks that deploy/standalone.sh stop leaves nothing running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledOnOs(value = OS.LINUX, disabledReason = "deploy/standalone.sh needs setsid and /proc")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StandaloneClusterIT {
    private static final int STEPS = 100;
    private static final Duration RUN_LIMIT = Duration.ofMinutes(4);

    private Path work;
    private Path config;
    private LocalCluster cluster;
    private TrainingRun uninterrupted;

    @BeforeAll
    void startCluster() throws IOException, InterruptedException {
        work = DistPaths.work("standalone-cluster");
        Path data = SyntheticIdx.write(work.resolve("data"), 3200, 320, 5);
        config = Files.writeString(work.resolve("lenet5-bn-w2-double.conf"), String.join("\n",
                "lockstep {",
                "  workers = 2",
                "  threads-per-task = 1",
                "  dtype = double",
                "  seed = 11",
                "  round-timeout = 60s",
                "  train { batch-size = 32, epochs = 1, max-steps = " + STEPS + " }",
                "  batch-norm.sync = exact",
                "  data { name = fashion-mnist, dir = \"" + data + "\", fetch = false }",
                "  model = lenet5-bn",
                "}", ""), StandardCharsets.UTF_8);
        cluster = LocalCluster.start(work.resolve("cluster"), 2);
    }

    @AfterAll
    void stopCluster() throws IOException, InterruptedException {
        if (cluster != null) {
            cluster.stop();
        }
    }

    /** The cluster run without interruptions, shared by both tests (trained once). */
    private synchronized TrainingRun uninterruptedClusterRun() throws IOException, InterruptedException {
        if (uninterrupted == null) {
            uninterrupted = TrainingRun.start(config, work.resolve("runs/cluster"), List.of("--dir", cluster.dir().toString()))
                    .finish(RUN_LIMIT);
            assertEquals(STEPS, uninterrupted.steps().size(), "steps in metrics.jsonl");
        }
        return uninterrupted;
    }

    @Test
    void clusterRunMatchesTheSameRunInLocalModeWithin1e8Relative() throws IOException, InterruptedException {
        MultiLayerNetwork onCluster = uninterruptedClusterRun().model();
        TrainingRun local = TrainingRun.start(config, work.resolve("runs/local"), List.of("--master", "local[2]"))
                .finish(RUN_LIMIT);
        MultiLayerNetwork inLocalMode = local.model();

        assertEquals(DataType.DOUBLE, onCluster.params().dataType());
        assertEquals(STEPS, local.steps().size(), "steps in metrics.jsonl");
        assertFalse(cluster.applicationsOf(1).isEmpty() || cluster.applicationsOf(2).isEmpty(),
                "both workers ran executors of the cluster run");
        System.out.printf("cluster vs local mode: relative error of the parameter vector %.3e%n",
                Closeness.relativeError(inLocalMode.params(), onCluster.params()));
        assertSameParameters(inLocalMode, onCluster, 1e-8);
    }

    @Test
    void anExecutorKilledMidRunCostsNothing() throws IOException, InterruptedException {
        double[] expected = uninterruptedClusterRun().model().params().toDoubleVector();

        TrainingRun run = TrainingRun.start(config, work.resolve("runs/killed"), List.of("--dir", cluster.dir().toString()));
        try {
            long killedAt = awaitStep(run, 30);
            ProcessHandle executor = cluster.executorOf(1)
                    .orElseThrow(() -> new AssertionError("worker 1 runs no executor at step " + killedAt));
            assertTrue(executor.destroyForcibly(), "SIGKILL sent to executor pid " + executor.pid());
            executor.onExit().get(30, TimeUnit.SECONDS);
            System.out.printf("killed executor pid %d of worker 1 after step %d%n", executor.pid(), killedAt);
            run.finish(RUN_LIMIT);

            assertTrue(killedAt < STEPS - 1, "the kill came before the last step");
            assertTrue(run.output().contains("launching it again"), "the driver relaunched the workers' stage:\n"
                    + run.output());
            assertFalse(executor.isAlive());
            assertEquals(STEPS, run.steps().size(), "every step ran exactly once");
            assertArrayEquals(expected, run.model().params().toDoubleVector(),
                    "parameters bit-identical to the uninterrupted run");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the killed executor did not exit", e);
        } finally {
            run.abandon();
        }
    }

    /** Waits until the run's metrics reach the step (the driver writes a line after every step). */
    private static long awaitStep(TrainingRun run, long step) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            long last = run.lastLoggedStep();
            if (last >= step) {
                return last;
            }
            if (!run.running()) {
                throw new AssertionError("the run ended before step " + step + ":\n" + run.output());
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the run did not reach step " + step + " in 3 minutes:\n" + run.output());
    }
}
