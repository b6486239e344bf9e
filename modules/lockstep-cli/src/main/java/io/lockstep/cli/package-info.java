/**
 * The {@code lockstep} command: {@code lockstep train CONFIG [--set key=value]... [--resume] [--debug]} and
 * {@code lockstep data fetch fashion-mnist|mnist [--dest DIR]}.
 *
 * <p>{@link io.lockstep.cli.Main} parses the command line ({@link io.lockstep.cli.CommandLine}) and maps failures
 * to exit codes: 2 and one line on stderr for every usage, configuration or data error, 1 for a failure during
 * training. Configuration is HOCON (Typesafe Config): the defaults in {@code reference.conf}, the CONFIG file over
 * them, {@code --set} over that ({@link io.lockstep.cli.ConfigLoader}), read and validated in one place into an
 * immutable {@link io.lockstep.cli.TrainConfig}. {@link io.lockstep.cli.TrainCommand} validates everything (config,
 * data, model) before it creates the run directory, then trains with
 * {@link io.lockstep.spark.train.SparkTrainer}, checkpointing and writing {@code metrics.jsonl} as it goes
 * ({@link io.lockstep.cli.MetricsWriter}, {@link io.lockstep.cli.Progress}), then evaluates on the test set and
 * writes {@code summary.json} and {@code model.zip} ({@link io.lockstep.cli.RunDirectory}). With
 * {@code --resume} it continues a run from its newest checkpoint, refusing one written with another configuration
 * ({@link io.lockstep.cli.TrainConfig#fingerprint()}).
 */
package io.lockstep.cli;
