package io.lockstep.dl4j.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.lockstep.spark.kryo.LockstepKryoRegistrator;
import io.lockstep.spark.train.DataSetSharding;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.serializer.KryoRegistrator;
import org.nd4j.common.primitives.AtomicBoolean;
import org.nd4j.common.primitives.AtomicDouble;
import org.nd4j.kryo.Nd4jSerializer;
import org.nd4j.kryo.primitives.AtomicDoubleSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Kryo registrator for DL4J's Spark API with Lockstep, on Java 17:
 * <pre>
 *   spark.serializer        org.apache.spark.serializer.KryoSerializer
 *   spark.kryo.registrator  io.lockstep.dl4j.spark.LockstepDl4jKryoRegistrator
 * </pre>
 * <ul>
 *   <li>Lockstep's classes: those of {@link LockstepKryoRegistrator} and of the DataSet sharding;</li>
 *   <li>ND4J arrays with ND4J's own {@link Nd4jSerializer}. The registrator DL4J's documentation names,
 *       {@code org.nd4j.kryo.Nd4jRegistrator}, is missing from the published nd4j-kryo_2.12 1.0.0-M2 jar (only the
 *       serializers are in it), and Kryo's default field serializer cannot write an array whose data is off-heap;</li>
 *   <li>atomic counters and flags (the JDK's and ND4J's), which DL4J's Spark API sends around: Kryo's field
 *       serializer cannot open {@code java.util.concurrent.atomic} on Java 17. Measured: without this, DL4J's
 *       {@code evaluate} on an RDD fails (ND4J's AtomicBoolean in its Evaluation), and so does
 *       ParameterAveragingTrainingMaster's first broadcast (the AtomicInteger of NetBroadcastTuple).</li>
 * </ul>
 */
public final class LockstepDl4jKryoRegistrator implements KryoRegistrator {

    @Override
    public void registerClasses(Kryo kryo) {
        new LockstepKryoRegistrator().registerClasses(kryo);
        for (Class<?> type : DataSetSharding.serializedClasses()) {
            kryo.register(type);
        }
        Nd4jSerializer arrays = new Nd4jSerializer();
        kryo.addDefaultSerializer(INDArray.class, arrays);
        kryo.register(Nd4j.getBackend().getNDArrayClass(), arrays);
        kryo.register(AtomicDouble.class, new AtomicDoubleSerializer());
        kryo.register(AtomicBoolean.class, new Nd4jAtomicBooleanSerializer());
        kryo.register(java.util.concurrent.atomic.AtomicBoolean.class, new AtomicBooleanSerializer());
        kryo.register(AtomicInteger.class, new AtomicIntegerSerializer());
        kryo.register(AtomicLong.class, new AtomicLongSerializer());
    }

    /** ND4J's AtomicBoolean as its value. */
    private static final class Nd4jAtomicBooleanSerializer extends Serializer<AtomicBoolean> {
        @Override
        public void write(Kryo kryo, Output output, AtomicBoolean value) {
            output.writeBoolean(value.get());
        }

        @Override
        public AtomicBoolean read(Kryo kryo, Input input, Class<AtomicBoolean> type) {
            return new AtomicBoolean(input.readBoolean());
        }
    }

    private static final class AtomicBooleanSerializer extends Serializer<java.util.concurrent.atomic.AtomicBoolean> {
        @Override
        public void write(Kryo kryo, Output output, java.util.concurrent.atomic.AtomicBoolean value) {
            output.writeBoolean(value.get());
        }

        @Override
        public java.util.concurrent.atomic.AtomicBoolean read(Kryo kryo, Input input,
                                                              Class<java.util.concurrent.atomic.AtomicBoolean> type) {
            return new java.util.concurrent.atomic.AtomicBoolean(input.readBoolean());
        }
    }

    private static final class AtomicIntegerSerializer extends Serializer<AtomicInteger> {
        @Override
        public void write(Kryo kryo, Output output, AtomicInteger value) {
            output.writeInt(value.get());
        }

        @Override
        public AtomicInteger read(Kryo kryo, Input input, Class<AtomicInteger> type) {
            return new AtomicInteger(input.readInt());
        }
    }

    private static final class AtomicLongSerializer extends Serializer<AtomicLong> {
        @Override
        public void write(Kryo kryo, Output output, AtomicLong value) {
            output.writeLong(value.get());
        }

        @Override
        public AtomicLong read(Kryo kryo, Input input, Class<AtomicLong> type) {
            return new AtomicLong(input.readLong());
        }
    }
}
