package io.lockstep.schedule;

import io.lockstep.step.LearningRateSchedule;
import java.util.ArrayList;
import java.util.List;

/**
 * Step decay at given milestones: the base rate multiplied by {@code gamma} once for every milestone reached,
 * <pre>
 *   lr(t) = baseRate * gamma ^ |{ m in milestones : m &lt;= t }|
 * </pre>
 * so the decayed rate applies from the milestone step itself on. PyTorch's
 * {@code torch.optim.lr_scheduler.MultiStepLR(milestones, gamma)}, stepped once per optimizer step. He et al. 2016
 * (section 4.2) train the CIFAR ResNets with rate 0.1 divided by 10 at 32k and 48k iterations:
 * {@code MultiStepDecay.of(0.1, new long[] {32_000, 48_000})}.
 *
 * @param baseRate   the rate before the first milestone, positive and finite
 * @param milestones the steps at which the rate decays, positive and strictly increasing (at least one)
 * @param gamma      the factor applied at each milestone, in (0, 1]
 */
public record MultiStepDecay(double baseRate, List<Long> milestones, double gamma) implements LearningRateSchedule {

    public MultiStepDecay {
        Require.positiveRate("baseRate", baseRate);
        if (milestones == null || milestones.isEmpty()) {
            throw new IllegalArgumentException("milestones must hold at least one step, got " + milestones);
        }
        milestones = List.copyOf(milestones);
        long previous = 0;
        for (long milestone : milestones) {
            if (milestone <= previous) {
                throw new IllegalArgumentException("milestones must be positive and strictly increasing, got "
                        + milestones);
            }
            previous = milestone;
        }
        Require.decayFactor("gamma", gamma);
    }

    /** Divides the rate by 10 ({@link StepDecay#DEFAULT_GAMMA}) at each milestone. */
    public static MultiStepDecay of(double baseRate, long[] milestones) {
        return new MultiStepDecay(baseRate, boxed(milestones), StepDecay.DEFAULT_GAMMA);
    }

    public static MultiStepDecay of(double baseRate, long[] milestones, double gamma) {
        return new MultiStepDecay(baseRate, boxed(milestones), gamma);
    }

    @Override
    public double learningRate(long step) {
        Require.step(step);
        int reached = 0;
        while (reached < milestones.size() && milestones.get(reached) <= step) {
            reached++;
        }
        return baseRate * Math.pow(gamma, reached);
    }

    private static List<Long> boxed(long[] milestones) {
        if (milestones == null) {
            throw new IllegalArgumentException("milestones must hold at least one step, got null");
        }
        List<Long> list = new ArrayList<>(milestones.length);
        for (long milestone : milestones) {
            list.add(milestone);
        }
        return list;
    }
}
