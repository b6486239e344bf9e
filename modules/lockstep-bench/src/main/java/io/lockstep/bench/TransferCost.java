package io.lockstep.bench;

import io.lockstep.collective.CollectiveKey;
import io.lockstep.collective.Reduction;
import io.lockstep.spark.coordinator.CollectiveCall;
import io.lockstep.step.FlatVector;
import java.io.Serializable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What moving a parameter vector costs besides the wire, on one thread: a worker's two copies per step
 * ({@code FlatVector.of} of its gradient, {@code copyInto} of the driver's parameters), encoding a float vector for
 * the wire between JVMs and decoding it, per value or byte as the slope between two lengths (so fixed costs drop
 * out), and the fixed costs of a small coordinator message: what the driver does per rank of a SyncBN round between
 * JVMs. On the wire a message is Java-serialized twice: by {@code SparkRpc} (its bytes cross Spark's RPC, to be read
 * back with Lockstep's class loader) and, as a {@code byte[]}, by Spark's RPC itself.
 *
 * @param replySerializeMs     encoding a SyncBN round's reply ({@code messageValues} doubles)
 * @param requestDeserializeMs decoding its request (a {@code CollectiveCall} of as many doubles)
 */
record TransferCost(double copyNsPerValue, double serializeNsPerByte, double deserializeNsPerByte, int messageValues,
                    double replySerializeMs, double requestDeserializeMs) {

    static TransferCost measure(int shortLength, int longLength, int messageValues) {
        Sample small = Sample.of(shortLength);
        Sample large = Sample.of(longLength);
        double values = longLength - shortLength;
        double bytes = values * Float.BYTES;
        double[] reply = new double[messageValues];
        byte[] request = onTheWire(new CollectiveCall(1, 0, new CollectiveKey(1, 1, CollectiveKey.Phase.BN_FORWARD),
                reply, Reduction.MOMENTS, true));
        return new TransferCost((large.copyMs - small.copyMs) / values * 1e6,
                (large.serializeMs - small.serializeMs) / bytes * 1e6,
                (large.deserializeMs - small.deserializeMs) / bytes * 1e6, messageValues,
                IsolatedCosts.median(() -> onTheWire(reply).length),
                IsolatedCosts.median(() -> ((CollectiveCall) offTheWire(request)).rank()));
    }

    /** A message as it crosses Spark's RPC between JVMs: serialized by SparkRpc, then as a byte[] by Spark. */
    private static byte[] onTheWire(Serializable message) {
        return CoordinatorRoundTrips.serialized(CoordinatorRoundTrips.serialized(message));
    }

    private static Object offTheWire(byte[] bytes) {
        return CoordinatorRoundTrips.deserialized((byte[]) CoordinatorRoundTrips.deserialized(bytes));
    }

    /** Median times, in ms, of the copies and the encoding and decoding of one float vector of a given length. */
    private record Sample(double copyMs, double serializeMs, double deserializeMs) {
        static Sample of(int length) {
            INDArray params = Nd4j.rand(DataType.FLOAT, 1, length);
            FlatVector vector = FlatVector.of(params);
            byte[] bytes = onTheWire(vector);
            return new Sample(
                    IsolatedCosts.median(() -> {
                        FlatVector.of(params).copyInto(params);
                        return 0;
                    }),
                    IsolatedCosts.median(() -> onTheWire(vector).length),
                    IsolatedCosts.median(() -> ((FlatVector) offTheWire(bytes)).length()));
        }
    }
}
