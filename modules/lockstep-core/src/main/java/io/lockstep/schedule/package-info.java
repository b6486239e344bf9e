/**
 * Learning-rate schedules: implementations of {@link io.lockstep.step.LearningRateSchedule}, the rate the driver
 * sets before the optimizer step {@code t} (counted from 0).
 *
 * <ul>
 *   <li>{@link io.lockstep.schedule.Constant}: one rate throughout;</li>
 *   <li>{@link io.lockstep.schedule.StepDecay} and {@link io.lockstep.schedule.MultiStepDecay}: multiply by gamma
 *       every K steps, or at given milestones (PyTorch's {@code StepLR}, {@code MultiStepLR});</li>
 *   <li>{@link io.lockstep.schedule.CosineAnnealing}: half a cosine from the base rate to a floor
 *       (Loshchilov &amp; Hutter 2017);</li>
 *   <li>{@link io.lockstep.schedule.Warmup}: a linear ramp over the first W steps, in front of any of the others
 *       (Goyal et al. 2017);</li>
 *   <li>{@link io.lockstep.schedule.LinearScaling}: the base rate for a global batch, {@code rate * B / 256}
 *       (Goyal et al. 2017).</li>
 * </ul>
 *
 * <p>Every schedule is an immutable, serializable record whose canonical constructor validates its components
 * (so a deserialized schedule is validated too) and names the offending one in its
 * {@link java.lang.IllegalArgumentException}. Defaults are constants defined once, in the class that owns them.
 * Steps are absolute: a schedule wrapped in a warmup sees the same step count as the driver, so milestones and
 * annealing lengths are counted from the start of training, warmup included.
 */
package io.lockstep.schedule;
