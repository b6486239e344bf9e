package io.lockstep.checkpoint;

import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.api.Model;

/** A checkpoint as loaded: the network with its optimizer state, the run's state, and where it was found. */
public record Checkpoint(Model model, TrainingState state, Path path) {
}
