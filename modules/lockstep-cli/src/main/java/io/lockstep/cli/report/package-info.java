/** The training report: a self-contained HTML page of charts drawn from a run directory's metrics. */
package io.lockstep.cli.report;
