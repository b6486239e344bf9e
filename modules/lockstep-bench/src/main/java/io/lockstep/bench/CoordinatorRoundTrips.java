package io.lockstep.bench;

import io.lockstep.collective.CollectiveKey;
import io.lockstep.collective.Reduction;
import io.lockstep.math.Moments;
import io.lockstep.spark.coordinator.Coordinator;
import io.lockstep.spark.coordinator.SparkCollective;
import io.lockstep.spark.rpc.EndpointAddress;
import io.lockstep.spark.rpc.SparkRpc;
import io.lockstep.step.FlatVector;
import io.lockstep.step.WorkerContribution;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The coordinator's round trips, timed inside W barrier tasks in Spark local mode against a {@link Coordinator}
 * on the driver's RPC environment, as the workers use it:
 * <ul>
 *   <li>a SyncBN forward all-reduce: MOMENTS of {@code 2C + 1} doubles (count, C means, C M2s);</li>
 *   <li>a SyncBN backward all-reduce: SUM of {@code 2C} doubles ([sum(dy), sum(dy * x_hat)]);</li>
 *   <li>a step round: a {@link WorkerContribution} whose float gradient has the network's parameter count (and
 *       the moments of its batch-norm layers), answered with a float vector of the same length.</li>
 * </ul>
 * In local mode Spark hands messages over as objects, unserialized; what Java serialization would add between
 * JVMs is measured apart ({@link #serializationMillis}).
 */
final class CoordinatorRoundTrips {
    private static final int WARMUP = 20;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private CoordinatorRoundTrips() {
    }

    /** Round-trip times of every rank, in nanoseconds, per kind of round. */
    record Samples(int rank, long[] bnForward, long[] bnBackward, long[] step) implements Serializable {
    }

    /**
     * Medians over all ranks' samples, in ms; the serialization figures are Java serialization plus
     * deserialization of one contribution and of one reply, on one thread.
     */
    record Result(int channels, int gradientLength, Summary bnForward, Summary bnBackward, Summary step,
                  double contributionSerializationMillis, int contributionBytes, double replySerializationMillis,
                  int replyBytes) {
    }

    /**
     * @param channels       C of the batch-norm all-reduces
     * @param bnChannels     the channels of every batch-norm layer (moments carried by the step's contribution)
     * @param gradientLength the network's parameter count
     */
    static Result run(JavaSparkContext sc, int workers, int channels, int[] bnChannels, int gradientLength, int rounds) {
        FlatVector reply = FlatVector.zeros(DataType.FLOAT, gradientLength);
        Coordinator coordinator = new Coordinator(workers, 0, TIMEOUT, (step, byRank) -> reply);
        EndpointAddress address = SparkRpc.register("lockstep-bench-roundtrips", coordinator);
        List<Serializable> results;
        try {
            coordinator.beginAttempt(1);
            results = BarrierStage.run(sc, workers, rank -> measure(address, workers, rank, channels, bnChannels,
                    gradientLength, rounds));
        } finally {
            SparkRpc.stop(address);
            coordinator.close();
        }
        long[][] forward = new long[workers][];
        long[][] backward = new long[workers][];
        long[][] step = new long[workers][];
        for (Serializable result : results) {
            Samples samples = (Samples) result;
            forward[samples.rank()] = samples.bnForward();
            backward[samples.rank()] = samples.bnBackward();
            step[samples.rank()] = samples.step();
        }
        WorkerContribution contribution = contribution(0, 0, bnChannels, gradientLength);
        return new Result(channels, gradientLength, Summary.ofNanos(concat(forward)), Summary.ofNanos(concat(backward)),
                Summary.ofNanos(concat(step)), serializationMillis(contribution), serialized(contribution).length,
                serializationMillis(reply), serialized(reply).length);
    }

    /** The body of one barrier task: {@code rounds} timed rounds of each kind after {@link #WARMUP} untimed ones. */
    private static Samples measure(EndpointAddress address, int workers, int rank, int channels, int[] bnChannels,
                                   int gradientLength, int rounds) {
        SparkCollective collective = SparkCollective.connect(address, workers, 1, rank, TIMEOUT);
        double[] moments = moments(channels, 64, rank).pack(); // count, C means, C M2s -> 2C + 1
        double[] sums = new double[2 * channels];               // C sum(dy), C sum(dy * x_hat) -> 2C
        Arrays.fill(sums, rank + 1.0);
        long[] forward = new long[rounds];
        long[] backward = new long[rounds];
        long[] step = new long[rounds];
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
        for (int i = -WARMUP; i < rounds; i++) {
            long round = i + WARMUP;
            WorkerContribution contribution = contribution(round, rank, bnChannels, gradientLength);
            long start = System.nanoTime();
            Object reply = collective.step(round, contribution);
            long end = System.nanoTime();
            if (!(reply instanceof FlatVector vector) || vector.length() != gradientLength) {
                throw new IllegalStateException("unexpected step reply " + reply);
            }
            if (i >= 0) {
                step[i] = end - start;
            }
        }
        return new Samples(rank, forward, backward, step);
    }

    /** A contribution of the real size: a float gradient of the network's length, every BN layer's moments. */
    private static WorkerContribution contribution(long step, int rank, int[] bnChannels, int gradientLength) {
        FlatVector gradient = FlatVector.zeros(DataType.FLOAT, gradientLength);
        Map<Integer, Moments> moments = new TreeMap<>();
        for (int layer = 0; layer < bnChannels.length; layer++) {
            moments.put(layer, moments(bnChannels[layer], 64, rank));
        }
        return new WorkerContribution(step, rank, 64, 1.0, gradient, moments);
    }

    private static Moments moments(int channels, long count, int rank) {
        double[] mean = new double[channels];
        double[] m2 = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = rank + c * 0.01;
            m2[c] = count * (1.0 + c * 0.1);
        }
        return new Moments(count, mean, m2);
    }

    /** Median of 50 Java serialization + deserialization round trips of one object (after 10 untimed ones). */
    static double serializationMillis(Serializable message) {
        long[] nanos = new long[50];
        for (int i = -10; i < nanos.length; i++) {
            long start = System.nanoTime();
            deserialized(serialized(message));
            if (i >= 0) {
                nanos[i] = System.nanoTime() - start;
            }
        }
        return Summary.ofNanos(nanos).median();
    }

    static byte[] serialized(Serializable message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(message);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize " + message.getClass().getName(), e);
        }
        return bytes.toByteArray();
    }

    static Object deserialized(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot deserialize", e);
        }
    }

    private static long[] concat(long[][] parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }
}
