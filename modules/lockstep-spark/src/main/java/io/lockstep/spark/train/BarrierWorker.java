package io.lockstep.spark.train;

import io.lockstep.data.LabeledImages;
import io.lockstep.model.Network;
import io.lockstep.runner.ShardPlan;
import io.lockstep.runner.WorkerReplica;
import io.lockstep.spark.coordinator.SparkCollective;
import io.lockstep.step.WorkerContribution;
import java.io.Serializable;
import java.util.Collections;
import org.apache.spark.BarrierTaskContext;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;

/**
 * The body of one barrier task: a worker that trains for a whole segment. It builds its replica from the
 * driver's configuration and parameters, then per step cuts its share of the global batch from its shard,
 * computes its contribution, sends it to the coordinator and takes the parameters the driver replies with.
 */
final class BarrierWorker extends AbstractFunction1<Iterator<LabeledImages>, Iterator<Object>> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final WorkerPlan plan;

    BarrierWorker(WorkerPlan plan) {
        this.plan = plan;
    }

    @Override
    public Iterator<Object> apply(Iterator<LabeledImages> partition) {
        BarrierTaskContext task = BarrierTaskContext.get();
        int rank = task.partitionId();
        LabeledImages shard = partition.next();
        if (plan.threadsPerTask() > 0) {
            Nd4j.getEnvironment().setMaxThreads(plan.threadsPerTask());
            Nd4j.getEnvironment().setMaxMasterThreads(plan.threadsPerTask());
        }
        // Spark re-runs a failed barrier stage with this same closure: its stage attempt number tells the attempts
        // apart, and every attempt starts where the driver stands, not where the plan started.
        int attempt = plan.launch() * SparkTrainer.ATTEMPTS_PER_LAUNCH + task.stageAttemptNumber();
        SparkCollective collective = SparkCollective.connect(plan.coordinator(), plan.workers(), attempt, rank,
                plan.askTimeout());
        JoinState start = (JoinState) collective.join();
        WorkerReplica replica = new WorkerReplica(Network.of(plan.model().toModel()), plan.syncMode(), collective);
        replica.setParameters(start.params());

        int localBatch = ShardPlan.balanced(plan.globalBatch(), plan.workers())[rank];
        int[] order = EpochOrder.of(plan.seed(), plan.epoch(), rank, shard.count());
        for (long step = start.step(); step < plan.endStep(); step++) {
            FaultInjection.maybeFail(rank, step);
            int[] indices = EpochOrder.batch(order, (int) (step - plan.epochFirstStep()), localBatch);
            DataSet batch = shard.toDataSet(indices, plan.featureShape(), replica.network().params().dataType(),
                    plan.normalization());
            WorkerContribution contribution = replica.computeStep(step, batch);
            StepReply reply = (StepReply) collective.step(step, contribution);
            replica.setParameters(reply.params());
            if (reply.stop()) {
                break;
            }
        }
        return JavaConverters.asScalaIterator(Collections.emptyIterator());
    }
}
