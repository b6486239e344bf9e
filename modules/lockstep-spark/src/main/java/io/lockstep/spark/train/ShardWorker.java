package io.lockstep.spark.train;

import io.lockstep.model.Network;
import io.lockstep.runner.ShardPlan;
import io.lockstep.runner.WorkerReplica;
import io.lockstep.runner.WorkerThreads;
import io.lockstep.spark.coordinator.SparkCollective;
import io.lockstep.step.WorkerContribution;
import java.io.Serializable;
import java.util.Collections;
import org.apache.spark.BarrierTaskContext;
import org.nd4j.linalg.dataset.DataSet;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;

/**
 * The body of one barrier task over a {@link WorkerShard}, a worker that trains for a whole segment: it joins at
 * the driver's current step with the driver's parameters, then per step takes its share of the global batch from
 * its shard, computes its contribution, sends it and takes the parameters the driver replies with.
 */
final class ShardWorker extends AbstractFunction1<Iterator<WorkerShard>, Iterator<Object>> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ShardWorkerPlan plan;

    ShardWorker(ShardWorkerPlan plan) {
        this.plan = plan;
    }

    @Override
    public Iterator<Object> apply(Iterator<WorkerShard> partition) {
        BarrierTaskContext task = BarrierTaskContext.get();
        int rank = task.partitionId();
        WorkerShard shard = partition.next();
        if (plan.threadsPerTask() > 0) {
            WorkerThreads.limitTo(plan.threadsPerTask());
        }
        // A re-run of a failed stage: its attempt number tells it apart, and it starts where the driver stands.
        int attempt = plan.launch() * ShardTrainer.ATTEMPTS_PER_LAUNCH + task.stageAttemptNumber();
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
            DataSet batch = shard.batch(indices, plan.epoch(), replica.network().params().dataType());
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
