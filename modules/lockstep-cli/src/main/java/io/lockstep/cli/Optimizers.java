package io.lockstep.cli;

import io.lockstep.schedule.Constant;
import io.lockstep.schedule.CosineAnnealing;
import io.lockstep.schedule.LinearScaling;
import io.lockstep.schedule.MultiStepDecay;
import io.lockstep.schedule.Warmup;
import io.lockstep.step.LearningRateSchedule;
import java.util.List;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

/**
 * {@code lockstep.optimizer.*} as ND4J's own updaters, DL4J's own regularization and Lockstep's learning-rate
 * schedules, which the driver step runs exactly as DL4J's {@code fit()} would. Hyperparameters not in the
 * configuration (Adam's beta2 and epsilon, RMSprop's decay, the warmup's start factor) are the libraries' defaults.
 */
final class Optimizers {
    private Optimizers() {
    }

    /**
     * The updater: {@code Sgd}, {@code Nesterovs}, {@code Adam} (for adam and adamw) or {@code RmsProp}, at the
     * rate for a global batch of {@code globalBatch} (the schedule then sets the rate of every step).
     */
    static IUpdater updater(TrainConfig.Optimizer optimizer, int globalBatch) {
        double lr = baseRate(optimizer, globalBatch);
        Double momentum = optimizer.momentum();
        return switch (optimizer.name()) {
            case SGD -> new Sgd(lr);
            case NESTEROV -> new Nesterovs(lr, momentum != null ? momentum : Nesterovs.DEFAULT_NESTEROV_MOMENTUM);
            case ADAM, ADAMW -> new Adam(lr, momentum != null ? momentum : Adam.DEFAULT_ADAM_BETA1_MEAN_DECAY,
                    Adam.DEFAULT_ADAM_BETA2_VAR_DECAY, Adam.DEFAULT_ADAM_EPSILON);
            case RMSPROP -> new RmsProp(lr);
        };
    }

    /**
     * The learning rate of every step: the schedule over {@code totalSteps} of {@code stepsPerEpoch} each, from the
     * base rate for {@code globalBatch}, behind the warmup if there is one.
     */
    static LearningRateSchedule schedule(TrainConfig.Optimizer optimizer, long totalSteps, int stepsPerEpoch,
                                         int globalBatch) {
        double rate = baseRate(optimizer, globalBatch);
        LearningRateSchedule schedule = switch (optimizer.schedule()) {
            case CONSTANT -> Constant.of(rate);
            case COSINE -> CosineAnnealing.of(rate, Math.max(1, totalSteps));
            case STEP -> new MultiStepDecay(rate, optimizer.decayEpochs().stream()
                    .map(epoch -> epoch * stepsPerEpoch).toList(), optimizer.decayFactor());
        };
        return optimizer.warmupSteps() > 0 ? Warmup.of(optimizer.warmupSteps(), schedule) : schedule;
    }

    /** {@code learning-rate}, or with linear scaling {@code learning-rate * globalBatch / 256} (Goyal et al. 2017). */
    static double baseRate(TrainConfig.Optimizer optimizer, int globalBatch) {
        return optimizer.linearScaling() ? LinearScaling.learningRate(optimizer.learningRate(), globalBatch)
                : optimizer.learningRate();
    }

    /**
     * The weight decay, for the weights of convolution and dense layers (none when it is 0):
     * <ul>
     *   <li>adamw: decoupled, DL4J's {@link WeightDecay} with the learning rate applied after the updater,
     *       {@code w -= lr * decay * w} (Loshchilov and Hutter 2019; PyTorch's {@code AdamW});</li>
     *   <li>the others: L2, DL4J's {@link L2Regularization}, {@code decay * w} added to the gradient before the
     *       updater (PyTorch's {@code weight_decay} of SGD, Adam and RMSprop).</li>
     * </ul>
     */
    static List<Regularization> weightRegularization(TrainConfig.Optimizer optimizer) {
        if (optimizer.weightDecay() == 0) {
            return List.of();
        }
        return List.of(optimizer.name() == OptimizerName.ADAMW
                ? new WeightDecay(optimizer.weightDecay(), true)
                : new L2Regularization(optimizer.weightDecay()));
    }
}
