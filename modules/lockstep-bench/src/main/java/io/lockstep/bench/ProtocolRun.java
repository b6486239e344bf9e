package io.lockstep.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * The {@link PeerProtocol}'s bookkeeping for one contender that runs in this JVM: the training clock, the
 * evaluations at the protocol's points with the clock stopped, and when to stop. The trainer reports every step (or
 * every chunk of steps) it has trained; once the target is reached it may still finish what it started (a Lockstep
 * epoch), which counts towards its images/s but not towards its time to the target.
 */
final class ProtocolRun {
    private final Contender contender;
    private final PeerProtocol protocol;
    private final TrainingClock clock;
    private final Consumer<String> progress;
    private final List<AccuracyPoint> evaluations = new ArrayList<>();
    private long steps;
    private boolean reached;

    ProtocolRun(Contender contender, PeerProtocol protocol, TrainingClock clock, Consumer<String> progress) {
        this.contender = contender;
        this.protocol = protocol;
        this.clock = clock;
        this.progress = progress;
    }

    /** Training (re)starts: the clock runs. */
    void resumeClock() {
        clock.resume();
    }

    /** Work that is not training (a DL4J export of the next epoch's files) follows: the clock stops. */
    void pauseClock() {
        clock.pause();
    }

    /**
     * {@code stepsDone} steps are trained. At an evaluation point (before the target was reached) the clock stops
     * while {@code accuracy} evaluates the test set.
     *
     * @return whether to stop: the target is reached or the cap trained
     */
    boolean trained(long stepsDone, DoubleSupplier accuracy) {
        steps = stepsDone;
        if (!reached && protocol.evaluatesAfter(stepsDone)) {
            clock.pause();
            double seconds = clock.seconds();
            double value = accuracy.getAsDouble();
            evaluations.add(new AccuracyPoint(stepsDone, seconds, value));
            reached = value >= protocol.target();
            progress.accept(String.format(Locale.ROOT, "%s: step %d (epoch %.2f), %.1f s of training, test accuracy"
                            + " %.4f%s", contender.id(), stepsDone, (double) stepsDone / protocol.stepsPerEpoch(),
                    seconds, value, reached ? " -- target reached" : ""));
            clock.resume();
        }
        return reached || stepsDone >= protocol.totalSteps();
    }

    boolean reachedTarget() {
        return reached;
    }

    PeerResult finish(String setup) {
        clock.pause();
        return new PeerResult(contender, evaluations, steps, protocol.images(steps), clock.seconds(), setup, Double.NaN,
                null);
    }
}
