package dev.phi4j.pipeline;

import dev.phi4j.core.schema.Document;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageConfig;
import dev.phi4j.pipeline.stage.StageContext;
import dev.phi4j.pipeline.stage.StageRows;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;
import java.util.Optional;

/** A source stage for tests: the documents already written as Parquet at {@code path}, every one kept. */
public record DocumentsFixture(Optional<String> name, String path) implements StageConfig {

    public DocumentsFixture(String name, String path) {
        this(Optional.of(name), path);
    }

    @Override
    public List<String> input() {
        return List.of();
    }

    @Override
    public Stage build() {
        String location = path;
        return new Stage() {
            @Override
            public String name() {
                return "documents";
            }

            @Override
            public Kind kind() {
                return Kind.SOURCE;
            }

            @Override
            public Class<Document> reads() {
                return Document.class;
            }

            @Override
            public Class<Document> writes() {
                return Document.class;
            }

            @Override
            public Dataset<Row> apply(Dataset<Row> in, StageContext context) {
                return StageRows.withReason(SparkRecords.read(context.spark(), location, Document.class));
            }
        };
    }
}
