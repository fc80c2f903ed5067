package dev.phi4j.trainer.distributed;

import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.trainer.train.TrainFixtures;
import dev.phi4j.trainer.train.Trainer;
import dev.phi4j.trainer.train.TrainerConfig;
import dev.phi4j.trainer.train.TrainingProgress;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workers reading {@code trainer.distributed.shards} from a real HDFS: a NameNode and a DataNode in this JVM
 * (Hadoop's {@code MiniDFSCluster}), spoken to over HDFS's own RPC by the workers' {@code FileSystem}. Both modes train
 * from the copy they make and lose what they lose when reading the driver's directory.
 */
class HdfsShardsTest {

    private static final String TRAINER = "{max_steps: 3, micro_batch_size: 2, global_batch_tokens: 128, "
            + "schedule: {warmup_steps: 1}, eval: {interval: 0}, checkpoint: {interval: 3}, "
            + "distributed: {mode: '%s', workers: 2, shards: '%s'}}";

    @Test
    void bothModesTrainOnShardsCopiedFromHdfs(@TempDir Path dir) throws IOException {
        ShardSet data = TrainFixtures.packedBooks(dir.resolve("data"));
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
        MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        JavaSparkContext spark = SparkTraining.context("local[2]", "phi4j-hdfs-shards-test");
        try {
            hdfs.waitActive();
            FileSystem fs = hdfs.getFileSystem();
            org.apache.hadoop.fs.Path shards = new org.apache.hadoop.fs.Path("/phi4j/shards");
            fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(data.directory().toUri()), shards);
            String uri = fs.getUri() + shards.toString();
            assertTrue(uri.startsWith("hdfs://"), uri);

            for (String mode : new String[] {"gradients", "averaging"}) {
                Path local = dir.resolve(mode + "-local");
                Path copied = dir.resolve(mode + "-hdfs");
                train(spark, TrainFixtures.trainer(String.format(TRAINER, mode, data.directory().toAbsolutePath())),
                        data, local);
                train(spark, TrainFixtures.trainer(String.format(TRAINER, mode, uri)), data, copied);
                var want = TrainFixtures.steps(local);
                var got = TrainFixtures.steps(copied);
                assertEquals(3, got.size(), mode);
                for (int i = 0; i < 3; i++) {
                    assertEquals(want.get(i).get("loss").asDouble(), got.get(i).get("loss").asDouble(), 1e-6,
                            mode + ": loss at step " + (i + 1));
                }
            }
        } finally {
            spark.stop();
            hdfs.shutdown();
        }
    }

    private static void train(JavaSparkContext spark, TrainerConfig config, ShardSet data, Path runDir)
            throws IOException {
        Trainer.Run run = TrainFixtures.run(runDir, config);
        Trainer trainer = Trainer.start(run, data, TrainingProgress.SILENT);
        String workerShards = config.distributed().shards().orElseThrow();
        trainer.distribute(config.distributed().mode() == TrainerConfig.DistributedConfig.Mode.GRADIENTS
                ? new SparkGradients(spark, run, data.directory(), 2, workerShards)
                : new SparkAveraging(spark, run, data.directory(), 2, workerShards, false));
        trainer.train();
    }
}
