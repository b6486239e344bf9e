/** Classification metrics: the confusion matrix and an evaluator over labeled images. */
package io.lockstep.eval;
