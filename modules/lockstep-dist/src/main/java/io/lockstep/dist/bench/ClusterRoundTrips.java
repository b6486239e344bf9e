package io.lockstep.dist.bench;

import io.lockstep.collective.CollectiveKey;
import io.lockstep.collective.Reduction;
import io.lockstep.math.Moments;
import io.lockstep.spark.coordinator.Coordinator;
import io.lockstep.spark.coordinator.SparkCollective;
import io.lockstep.spark.rpc.EndpointAddress;
import io.lockstep.spark.rpc.SparkRpc;
import io.lockstep.step.FlatVector;
import io.lockstep.step.WorkerContribution;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.buffer.DataType;
import scala.collection.Iterator;
import scala.collection.Iterator$;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * The coordinator's round trips as Lockstep's workers make them, timed inside W barrier tasks on a cluster's
 * executors (separate JVMs: every message is Java-serialized and crosses a socket) against a {@link Coordinator} on
 * the driver's RPC environment:
 * <ul>
 *   <li>the SyncBN forward all-reduce, MOMENTS of {@code 2C + 1} doubles (count, C means, C M2s), and the backward
 *       one, SUM of {@code 2C} doubles;</li>
 *   <li>the step round: a {@link WorkerContribution} with a float gradient of L elements (and LeNet-5's four
 *       batch-norm moments), answered with L floats (the new parameters), for each L asked for.</li>
 * </ul>
 * Run with spark-submit: {@code --class io.lockstep.dist.bench.ClusterRoundTrips APP_JAR [--workers W]
 * [--channels C] [--rounds N] [--lengths L1,L2,...]}. Prints one JSON line per kind of round.
 */
public final class ClusterRoundTrips {
    private static final int WARMUP = 20;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** LeNet-5-BN's batch-norm layers: the moments every step contribution carries. */
    private static final int[] LENET_BN_CHANNELS = {6, 16, 120, 84};

    private ClusterRoundTrips() {
    }

    /** One rank's samples of one run: BN forward, BN backward, and the step round of every length, in ns. */
    record Samples(int rank, long[] bnForward, long[] bnBackward, long[][] steps) implements Serializable {
        /** Java-serialized: the task result goes through Kryo, which takes registered classes only (and byte[]). */
        byte[] toBytes() {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(this);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        static Samples fromBytes(byte[] bytes) {
            try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes))) {
                return (Samples) in.readObject();
            } catch (java.io.IOException | ClassNotFoundException e) {
                throw new IllegalStateException("cannot read a task's samples", e);
            }
        }
    }

    public static void main(String[] args) {
        int workers = 2;
        int channels = 120;
        int rounds = 300;
        int[] lengths = {431_080, 4_000_000};
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--workers" -> workers = Integer.parseInt(args[i + 1]);
                case "--channels" -> channels = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--lengths" -> lengths = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("lockstep-cluster-roundtrips"));
        try {
            run(sc, workers, channels, rounds, lengths);
        } finally {
            sc.stop();
        }
    }

    private static void run(JavaSparkContext sc, int workers, int channels, int rounds, int[] lengths) {
        // The driver's reply to a step round: the parameters, as long as the gradient; one per length.
        Map<Long, FlatVector> replies = new TreeMap<>();
        long firstRound = 0;
        for (int length : lengths) {
            FlatVector reply = FlatVector.zeros(DataType.FLOAT, length);
            for (long r = firstRound; r < firstRound + WARMUP + rounds; r++) {
                replies.put(r, reply);
            }
            firstRound += WARMUP + rounds;
        }
        Coordinator coordinator = new Coordinator(workers, 0, TIMEOUT, (step, byRank) -> replies.get(step));
        EndpointAddress address = SparkRpc.register("lockstep-cluster-roundtrips", coordinator);
        List<Samples> samples = new ArrayList<>();
        try {
            coordinator.beginAttempt(1);
            List<Integer> ranks = new ArrayList<>();
            for (int r = 0; r < workers; r++) {
                ranks.add(r);
            }
            Task task = new Task(address, workers, channels, rounds, lengths);
            List<Object> results = sc.parallelize(ranks, workers).rdd().barrier()
                    .mapPartitions(task, false, ClassTag$.MODULE$.apply(Object.class)).toJavaRDD().collect();
            results.forEach(result -> samples.add(Samples.fromBytes((byte[]) result)));
        } finally {
            SparkRpc.stop(address);
            coordinator.close();
        }
        print("bn_forward_allreduce", workers, (2 * channels + 1) + " doubles (C = " + channels + ")",
                samples.stream().map(Samples::bnForward).toList());
        print("bn_backward_allreduce", workers, (2 * channels) + " doubles (C = " + channels + ")",
                samples.stream().map(Samples::bnBackward).toList());
        for (int k = 0; k < lengths.length; k++) {
            int kind = k;
            print("gradient_step_round", workers, lengths[k] + " floats each way",
                    samples.stream().map(s -> s.steps()[kind]).toList());
        }
    }

    private static void print(String kind, int workers, String payload, List<long[]> perRank) {
        long[] all = perRank.stream().flatMapToLong(Arrays::stream).toArray();
        System.out.println(String.format(Locale.ROOT, "{\"kind\":\"%s\",\"workers\":%d,\"payload\":\"%s\",\"timing\":%s}",
                kind, workers, payload, Timings.ofNanos(all).json()));
    }

    /** The body of one barrier task: untimed warm-up rounds, then the timed ones, of every kind. */
    private static final class Task extends AbstractFunction1<Iterator<Integer>, Iterator<Object>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final EndpointAddress address;
        private final int workers;
        private final int channels;
        private final int rounds;
        private final int[] lengths;

        Task(EndpointAddress address, int workers, int channels, int rounds, int[] lengths) {
            this.address = address;
            this.workers = workers;
            this.channels = channels;
            this.rounds = rounds;
            this.lengths = lengths;
        }

        @Override
        public Iterator<Object> apply(Iterator<Integer> partition) {
            int rank = BarrierTaskContext.get().partitionId();
            SparkCollective collective = SparkCollective.connect(address, workers, 1, rank, TIMEOUT);
            double[] moments = moments(channels, rank).pack(); // count, C means, C M2s -> 2C + 1
            double[] sums = new double[2 * channels];          // C sum(dy), C sum(dy * x_hat) -> 2C
            Arrays.fill(sums, rank + 1.0);
            long[] forward = new long[rounds];
            long[] backward = new long[rounds];
            for (int i = -WARMUP; i < rounds; i++) {
                long round = i + WARMUP;
                long start = System.nanoTime();
                collective.allReduce(new CollectiveKey(round, 1, CollectiveKey.Phase.BN_FORWARD), moments, Reduction.MOMENTS);
                long between = System.nanoTime();
                collective.allReduce(new CollectiveKey(round, 1, CollectiveKey.Phase.BN_BACKWARD), sums, Reduction.SUM);
                long end = System.nanoTime();
                if (i >= 0) {
                    forward[i] = between - start;
                    backward[i] = end - between;
                }
            }
            long[][] steps = new long[lengths.length][rounds];
            long round = 0;
            for (int k = 0; k < lengths.length; k++) {
                for (int i = -WARMUP; i < rounds; i++, round++) {
                    WorkerContribution contribution = contribution(round, rank, lengths[k]);
                    long start = System.nanoTime();
                    Object reply = collective.step(round, contribution);
                    long end = System.nanoTime();
                    if (!(reply instanceof FlatVector vector) || vector.length() != lengths[k]) {
                        throw new IllegalStateException("unexpected step reply " + reply);
                    }
                    if (i >= 0) {
                        steps[k][i] = end - start;
                    }
                }
            }
            return Iterator$.MODULE$.single(new Samples(rank, forward, backward, steps).toBytes());
        }
    }

    /** A contribution of the real shape: a float gradient of the given length and LeNet-5-BN's moments. */
    private static WorkerContribution contribution(long step, int rank, int length) {
        Map<Integer, Moments> moments = new TreeMap<>();
        for (int layer = 0; layer < LENET_BN_CHANNELS.length; layer++) {
            moments.put(layer, moments(LENET_BN_CHANNELS[layer], rank));
        }
        return new WorkerContribution(step, rank, 64, 1.0, FlatVector.zeros(DataType.FLOAT, length), moments);
    }

    private static Moments moments(int channels, int rank) {
        double[] mean = new double[channels];
        double[] m2 = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = rank + c * 0.01;
            m2[c] = 64 * (1.0 + c * 0.1);
        }
        return new Moments(64, mean, m2);
    }
}
