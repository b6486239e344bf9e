package io.lockstep.schedule;

import static io.lockstep.schedule.ScheduleAssertions.roundTrip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.step.LearningRateSchedule;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Schedules travel by Java serialization (to Spark, into checkpoints): every setting must survive the trip, and a
 * deserialized schedule is validated like a constructed one.
 */
class ScheduleSerializationTest {

    static Stream<LearningRateSchedule> schedules() {
        return Stream.of(
                Constant.of(0.1),
                StepDecay.of(0.1, 30, 0.5),
                MultiStepDecay.of(0.1, new long[] {10, 20}, 0.2),
                CosineAnnealing.of(0.1, 0.001, 500),
                Warmup.of(50, 0.25, CosineAnnealing.of(0.1, 0.001, 500)));
    }

    @ParameterizedTest
    @MethodSource("schedules")
    void survivesJavaSerialization(LearningRateSchedule schedule) throws IOException, ClassNotFoundException {
        LearningRateSchedule copy = roundTrip(schedule);

        assertEquals(schedule, copy);
        assertEquals(schedule.learningRate(37), copy.learningRate(37));
    }

    @Test
    void validatesOnDeserialization() throws IOException {
        byte[] bytes = ScheduleAssertions.serialize(CosineAnnealing.of(0.1, 0.001, 0x5EED_F00DL));
        // overwrite the serialized steps (the long 0x5EEDF00D, big-endian) with 0, which the constructor rejects
        byte[] steps = ByteBuffer.allocate(Long.BYTES).putLong(0x5EED_F00DL).array();
        int at = indexOf(bytes, steps);
        assertTrue(at >= 0, "serialized steps not found");
        Arrays.fill(bytes, at, at + Long.BYTES, (byte) 0);

        // records are deserialized through their canonical constructor
        InvalidObjectException e = assertThrows(InvalidObjectException.class, () -> ScheduleAssertions.deserialize(bytes));
        assertTrue(e.getMessage().contains("steps"), e.getMessage());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
