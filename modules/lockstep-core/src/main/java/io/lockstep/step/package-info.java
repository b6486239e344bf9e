/**
 * One synchronous training step: what a worker contributes ({@link io.lockstep.step.WorkerContribution}), how
 * the driver combines, clips and applies it ({@link io.lockstep.step.DriverStep}), and what it reports.
 */
package io.lockstep.step;
