package io.lockstep.dl4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lockstep.spark.train.DataSetSharding;
import io.lockstep.spark.train.ExampleShard;
import io.lockstep.spark.train.WorkerShards;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.AtomicBoolean;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import scala.reflect.ClassTag$;

/** LockstepDl4jKryoRegistrator registers everything Lockstep's DataSet path sends through Spark's serializer. */
class KryoRegistrationTest {

    private static SerializerInstance strictKryo() {
        SparkConf conf = new SparkConf(false)
                .set("spark.kryo.registrator", LockstepDl4jKryoRegistrator.class.getName())
                .set("spark.kryo.registrationRequired", "true");
        return new KryoSerializer(conf).newInstance();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(SerializerInstance kryo, T value) {
        return (T) kryo.deserialize(kryo.serialize(value, ClassTag$.MODULE$.apply(Object.class)),
                ClassTag$.MODULE$.apply(Object.class));
    }

    @Test
    void shardsSurviveKryoWithRegistrationRequired() {
        DataSet all = TestData.dense(40, 6, 3, 9, DataType.FLOAT);
        try (WorkerShards<ExampleShard> shards = DataSetSharding.shard(
                Dl4jSpark.context().parallelize(TestData.split(all, 7), 2), 2, 1)) {
            List<ExampleShard> collected = shards.partitions().collect();
            SerializerInstance kryo = strictKryo();
            for (ExampleShard shard : collected) {
                ExampleShard copy = roundTrip(kryo, shard);
                int[] every = java.util.stream.IntStream.range(0, shard.count()).toArray();
                assertEquals(shard.count(), copy.count());
                assertArrayEquals(shard.batch(every, 0, DataType.FLOAT).getFeatures().ravel().toFloatVector(),
                        copy.batch(every, 0, DataType.FLOAT).getFeatures().ravel().toFloatVector());
            }
        }
    }

    @Test
    void nd4jArraysAndTheAtomicsDl4jSendsSurviveKryo() {
        SerializerInstance kryo = strictKryo();
        INDArray array = Nd4j.linspace(1, 6, 6, DataType.DOUBLE).reshape(2, 3);
        assertEquals(array, roundTrip(kryo, array));
        assertEquals(true, roundTrip(kryo, new AtomicBoolean(true)).get());
        assertEquals(7, roundTrip(kryo, new java.util.concurrent.atomic.AtomicInteger(7)).get());
        assertEquals(-3L, roundTrip(kryo, new java.util.concurrent.atomic.AtomicLong(-3)).get());
        assertEquals(true, roundTrip(kryo, new java.util.concurrent.atomic.AtomicBoolean(true)).get());
    }
}
