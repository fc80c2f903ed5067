package dev.phi4j.core.schema;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/** One record component as stored: its snake_case column name, storage type, doc line and accessor. */
public final class Column {

    private final String component;
    private final String name;
    private final ColumnType type;
    private final String doc;
    private final Method accessor;

    Column(String component, String name, ColumnType type, String doc, Method accessor) {
        this.component = component;
        this.name = name;
        this.type = type;
        this.doc = doc;
        this.accessor = accessor;
    }

    /** The Java component name, e.g. {@code sourceClass}. */
    public String component() {
        return component;
    }

    /** The column name in Parquet and Spark, e.g. {@code source_class}. */
    public String name() {
        return name;
    }

    public ColumnType type() {
        return type;
    }

    /** The component's {@link dev.phi4j.core.Doc} line, or empty when it has none. */
    public String doc() {
        return doc;
    }

    /** This component's value in {@code record}. */
    public Object valueIn(Record record) {
        try {
            return accessor.invoke(record);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("accessor " + accessor + " is not accessible", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("accessor " + accessor + " failed", e.getCause());
        }
    }
}
