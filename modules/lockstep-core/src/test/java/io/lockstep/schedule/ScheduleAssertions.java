package io.lockstep.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.step.LearningRateSchedule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.function.Executable;

/** Shared checks of the schedule tests. */
final class ScheduleAssertions {
    /** Closed-form values and the code may round differently in the last bits. */
    static final double ULP_TOLERANCE = 1e-15;

    private ScheduleAssertions() {
    }

    static void assertRate(double expected, LearningRateSchedule schedule, long step) {
        assertEquals(expected, schedule.learningRate(step), ULP_TOLERANCE * Math.abs(expected), "lr(" + step + ")");
    }

    /** The call fails with an IllegalArgumentException whose message names the parameter. */
    static void assertRejects(String parameter, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(parameter + " "), () -> "message should name " + parameter + ": "
                + e.getMessage());
    }

    /** Java serialization there and back (how schedules travel to Spark and into checkpoints). */
    static LearningRateSchedule roundTrip(LearningRateSchedule schedule) throws IOException, ClassNotFoundException {
        return deserialize(serialize(schedule));
    }

    static byte[] serialize(LearningRateSchedule schedule) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(schedule);
        }
        return bytes.toByteArray();
    }

    static LearningRateSchedule deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (LearningRateSchedule) in.readObject();
        }
    }
}
