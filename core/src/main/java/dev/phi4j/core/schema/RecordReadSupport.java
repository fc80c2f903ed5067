package dev.phi4j.core.schema;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;

import java.util.Map;

/** Reads one file's rows as records, asking Parquet only for the columns the record has. */
final class RecordReadSupport<R extends Record> extends ReadSupport<R> {

    private final RecordSchema<R> schema;
    private final String file;

    /** {@code file} is only named in errors; Parquet does not tell a ReadSupport which file it reads. */
    RecordReadSupport(RecordSchema<R> schema, String file) {
        this.schema = schema;
        this.file = file;
    }

    @Override
    public ReadContext init(InitContext context) {
        return new ReadContext(FileProjection.project(context.getFileSchema(), schema, file));
    }

    @Override
    public RecordMaterializer<R> prepareForRead(Configuration configuration, Map<String, String> keyValueMetaData,
                                                MessageType fileSchema, ReadContext readContext) {
        return new RecordMaterializer<>() {
            private R current;
            private final GroupConverter root = new RecordConverters.RecordConverter(schema,
                    readContext.getRequestedSchema(), record -> current = schema.type().cast(record), "", file);

            @Override
            public R getCurrentRecord() {
                return current;
            }

            @Override
            public GroupConverter getRootConverter() {
                return root;
            }
        };
    }
}
