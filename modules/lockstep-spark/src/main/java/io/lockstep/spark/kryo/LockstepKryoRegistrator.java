package io.lockstep.spark.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.LabeledImages;
import io.lockstep.eval.ConfusionMatrix;
import io.lockstep.model.ModelSnapshot;
import io.lockstep.spark.train.DataSetSharding;
import io.lockstep.spark.train.SparkTrainer;
import io.lockstep.step.FlatVector;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers the classes that Spark serializes with {@code spark.serializer} (cached data partitions, broadcast
 * models, evaluation results), so that Lockstep runs with {@code spark.kryo.registrationRequired=true}.
 * Lockstep ships no ND4J arrays through Spark (vectors travel as Java arrays), so ND4J's own registrator is not
 * needed. Messages to the coordinator go through Spark's RPC, which always uses Java serialization.
 */
public final class LockstepKryoRegistrator implements KryoRegistrator {

    /** The Spark settings that turn Kryo on with this registrator. */
    public static final String SERIALIZER = "org.apache.spark.serializer.KryoSerializer";

    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(LabeledImages.class);
        kryo.register(LabeledImages[].class);
        kryo.register(ChannelNormalization.class);
        kryo.register(ConfusionMatrix.class);
        kryo.register(ConfusionMatrix[].class);
        kryo.register(ModelSnapshot.class);
        kryo.register(FlatVector.class);
        kryo.register(byte[].class);
        kryo.register(float[].class);
        kryo.register(double[].class);
        kryo.register(long[].class);
        kryo.register(long[][].class);
        kryo.register(Object[].class);
        for (Class<?> type : SparkTrainer.serializedClasses()) {
            register(kryo, type);
        }
        for (Class<?> type : DataSetSharding.serializedClasses()) {
            register(kryo, type);
        }
    }

    /**
     * Registers {@code type}; a record with Java serialization, because Kryo 4's field serializer cannot set a
     * record's final fields on Java 17 ("can't get field offset on a record class").
     */
    private static void register(Kryo kryo, Class<?> type) {
        if (type.isRecord()) {
            kryo.register(type, new JavaSerializer());
        } else {
            kryo.register(type);
        }
    }
}
