package io.lockstep.step;

import io.lockstep.math.ArrayElements;
import io.lockstep.model.Network;
import io.lockstep.model.ParameterLayout;
import io.lockstep.model.ParameterLayout.Slot;
import io.lockstep.nn.SyncMode;
import java.util.List;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The driver's half of a training step, on the driver's copy of the network (the single owner of parameters,
 * optimizer state and running statistics):
 * <ol>
 *   <li>sum the workers' gradient sums and divide by the global example count (only where DL4J would divide
 *       by the minibatch size);</li>
 *   <li>replace the running-statistics slots with the update from the merged batch moments;</li>
 *   <li>clip the trainable gradient (AGC, value, global norm); a non-finite loss or norm skips the step or
 *       fails, and never reaches the parameters; a loss spike rolls back to the last good state
 *       ({@link ExplosionGuard});</li>
 *   <li>run DL4J's own updater (its Sgd, Nesterovs, Adam, RmsProp, ..., with L2 or weight decay) with a batch
 *       size of 1, since the gradient is already a mean, and subtract the update: what {@code fit()} does.</li>
 * </ol>
 */
public final class DriverStep {
    private final Network network;
    private final GradientClipper clipper;
    private final ClippingConfig clipping;
    private final RunningStatisticsMerge runningStatistics;
    private final List<Slot> slots;
    private final List<Slot> trainable;
    private final List<Slot> dividedByBatch;
    private final LearningRateSchedule schedule;
    private final ExplosionGuard guard;
    private final DiagnosticsRecorder diagnostics;
    private final LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();
    private INDArray gradientViewsOf;
    private Gradient gradientViews;

    /** A driver step without the explosion guard's spike detection. */
    public DriverStep(Network network, SyncMode mode, ClippingConfig clipping, LearningRateSchedule schedule) {
        this(network, mode, clipping, schedule, GuardConfig.OFF);
    }

    /**
     * @param schedule learning rate per step, or null to keep the rates (and schedules) in the DL4J configuration
     * @param guard    loss-spike rollback and the limit on consecutive bad steps
     */
    public DriverStep(Network network, SyncMode mode, ClippingConfig clipping, LearningRateSchedule schedule,
                      GuardConfig guard) {
        ParameterLayout layout = ParameterLayout.of(network);
        this.network = network;
        this.clipping = clipping;
        this.clipper = new GradientClipper(clipping, layout);
        this.runningStatistics = new RunningStatisticsMerge(mode, layout.runningStatisticSlots());
        this.slots = layout.slots();
        this.trainable = layout.trainableSlots();
        this.dividedByBatch = layout.trainableSlots().stream()
                .filter(slot -> slot.layer().updaterDivideByMinibatch(slot.paramName()))
                .toList();
        this.schedule = schedule;
        this.guard = new ExplosionGuard(guard, network);
        this.diagnostics = new DiagnosticsRecorder(layout);
    }

    public Network network() {
        return network;
    }

    /** Applies one step to the driver's network and reports what it did. */
    public StepOutcome apply(StepAggregate aggregate) {
        if (aggregate.exampleCount() <= 0) {
            throw new IllegalStateException("step " + aggregate.step() + " has no examples");
        }
        INDArray gradient = network.flattenedGradients();
        aggregate.sumGradientsInto(gradient);
        divideByExampleCount(gradient, aggregate.exampleCount());
        runningStatistics.writeUpdates(gradient, aggregate);

        double loss = aggregate.meanLoss();
        double norm = diagnostics.recordGradient(gradient);
        GradientClipper.Report clip = clipper.clip(gradient, network.params(), norm);
        if (!clip.finite() || !Double.isFinite(loss)) {
            String what = "loss " + loss + ", gradient norm " + clip.normBeforeClipping();
            if (clipping.nonFinite() == ClippingConfig.NonFinitePolicy.FAIL) {
                throw new NonFiniteStepException("step " + aggregate.step() + ": " + what + " (clip.non-finite = fail)");
            }
            guard.countBad(aggregate.step(), what);
            return outcome(aggregate, loss, clip, Double.NaN, StepOutcome.Intervention.SKIPPED_NON_FINITE, null);
        }
        if (guard.isSpike(loss)) {
            guard.rollBack();
            guard.countBad(aggregate.step(), "loss spike " + loss);
            return outcome(aggregate, loss, clip, Double.NaN, StepOutcome.Intervention.ROLLED_BACK_SPIKE, null);
        }
        guard.acceptGood(loss);

        double learningRate = Double.NaN;
        if (schedule != null) {
            learningRate = schedule.learningRate(aggregate.step());
            network.setLearningRate(learningRate);
            learningRate *= guard.updateScale();
        }
        network.updater().update(gradientOf(gradient), network.iterationCount(), network.epochCount(), 1, workspaces);
        if (guard.updateScale() != 1.0) {
            for (Slot slot : trainable) {
                GradientClipper.view(gradient, slot).muli(guard.updateScale());
            }
        }
        StepOutcome outcome = outcome(aggregate, loss, clip, learningRate, StepOutcome.Intervention.NONE, gradient);
        network.params().subi(gradient);
        network.setIterationCount(network.iterationCount() + 1);
        return outcome;
    }

    /** @param update what the updater produced, about to be subtracted from the parameters (null: none) */
    private StepOutcome outcome(StepAggregate aggregate, double loss, GradientClipper.Report clip, double learningRate,
                                StepOutcome.Intervention intervention, INDArray update) {
        double coefficient = intervention == StepOutcome.Intervention.NONE ? clip.coefficient() : 1.0;
        return new StepOutcome(aggregate.step(), aggregate.exampleCount(), loss, clip.normBeforeClipping(), coefficient,
                learningRate, intervention, diagnostics.finish(update, network.params(), aggregate));
    }

    /** The slots DL4J would divide by the minibatch size, divided by the global example count. */
    private void divideByExampleCount(INDArray gradient, long count) {
        ArrayElements elements = ArrayElements.of(gradient);
        for (Slot slot : dividedByBatch) {
            for (int i = Math.toIntExact(slot.offset()); i < slot.end(); i++) {
                elements.set(i, elements.get(i) / count);
            }
        }
    }

    /**
     * DL4J's view of the flat gradient: the flat array itself (so the updater works in place) plus per-key views;
     * built once per flat array, since views cost more to create than the updater takes for a small network.
     */
    private Gradient gradientOf(INDArray flat) {
        if (flat != gradientViewsOf) {
            gradientViews = new DefaultGradient(flat);
            for (Slot slot : slots) {
                gradientViews.setGradientFor(slot.key(), GradientClipper.view(flat, slot));
            }
            gradientViewsOf = flat;
        }
        return gradientViews;
    }
}
