package dev.phi4j.core.schema;

import dev.phi4j.core.Doc;
import org.apache.parquet.schema.MessageType;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a Java record is stored, read once by reflection: one column per component, named in snake_case,
 * typed by {@link ColumnType}, and the Parquet {@link MessageType} built from them. Parquet files and
 * Spark {@code StructType}s are both derived from this, so the layout is written down exactly once.
 *
 * <p>Every column is required: records reject nulls, so "absent" is spelled as an empty string, list
 * or map, or as an enum constant such as {@link ValidationStatus#NOT_RUN}.
 */
public final class RecordSchema<R extends Record> {

    private static final String SUPPORTED = "String, int, long, double, boolean, enums, int[], List<Integer>, "
            + "List<String>, List<record>, Map<String, String>, Map<String, Double> and records";

    private static final ClassValue<RecordSchema<?>> CACHE = new ClassValue<>() {
        @Override
        protected RecordSchema<?> computeValue(Class<?> type) {
            return build(type.asSubclass(Record.class), new LinkedHashSet<>());
        }
    };

    private final Class<R> type;
    private final List<Column> columns;
    private final Constructor<R> constructor;
    private final MessageType messageType;

    private RecordSchema(Class<R> type, List<Column> columns, Constructor<R> constructor) {
        this.type = type;
        this.columns = List.copyOf(columns);
        this.constructor = constructor;
        this.messageType = ParquetLayout.messageType(type.getSimpleName(), this.columns);
    }

    /**
     * The schema of {@code type}. A component of a type that cannot be stored is an error naming the
     * record and the component.
     */
    @SuppressWarnings("unchecked")
    public static <R extends Record> RecordSchema<R> of(Class<R> type) {
        return (RecordSchema<R>) CACHE.get(type);
    }

    public Class<R> type() {
        return type;
    }

    public List<Column> columns() {
        return columns;
    }

    public MessageType messageType() {
        return messageType;
    }

    /** The record's {@link Doc} line, or empty when it has none. */
    public String doc() {
        Doc doc = type.getAnnotation(Doc.class);
        return doc == null ? "" : doc.value();
    }

    /**
     * A record built by its canonical constructor from one value per column, in column order. The
     * constructor's own checks apply; their exceptions pass through unchanged.
     */
    public R newRecord(Object... values) {
        try {
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException(type.getSimpleName() + " constructor failed", e.getCause());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("values do not fit " + type.getSimpleName() + "'s components: "
                    + e.getMessage(), e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call " + type.getSimpleName() + "'s canonical constructor", e);
        }
    }

    private static <R extends Record> RecordSchema<R> build(Class<R> type, Set<Class<?>> enclosing) {
        if (!enclosing.add(type)) {
            throw new IllegalArgumentException(type.getSimpleName() + " contains itself (through " + enclosing
                    + "); Parquet cannot store recursive records");
        }
        RecordComponent[] components = type.getRecordComponents();
        List<Column> columns = new ArrayList<>(components.length);
        Set<String> names = new HashSet<>();
        Class<?>[] parameterTypes = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            String name = ColumnNames.snakeCase(component.getName());
            if (!names.add(name)) {
                throw new IllegalArgumentException(type.getSimpleName() + " has two components named " + name
                        + " in snake_case");
            }
            ColumnType columnType = columnType(component.getGenericType(), type, component, enclosing);
            Doc doc = component.getAnnotation(Doc.class);
            // Records are often declared non-public (private to a stage, or in tests); reflection still
            // has to reach their accessors and constructor.
            component.getAccessor().setAccessible(true);
            columns.add(new Column(component.getName(), name, columnType, doc == null ? "" : doc.value(),
                    component.getAccessor()));
            parameterTypes[i] = component.getType();
        }
        enclosing.remove(type);
        try {
            Constructor<R> constructor = type.getDeclaredConstructor(parameterTypes);
            constructor.setAccessible(true);
            return new RecordSchema<>(type, columns, constructor);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", e);
        }
    }

    private static ColumnType columnType(Type javaType, Class<?> owner, RecordComponent component,
                                         Set<Class<?>> enclosing) {
        if (javaType instanceof Class<?> raw) {
            if (raw == String.class) {
                return ColumnType.Scalar.STRING;
            } else if (raw == int.class) {
                return ColumnType.Scalar.INT;
            } else if (raw == long.class) {
                return ColumnType.Scalar.LONG;
            } else if (raw == double.class) {
                return ColumnType.Scalar.DOUBLE;
            } else if (raw == boolean.class) {
                return ColumnType.Scalar.BOOLEAN;
            } else if (raw == int[].class) {
                return new ColumnType.ListOf(ColumnType.Scalar.INT, true);
            } else if (raw.isEnum()) {
                return new ColumnType.EnumName(raw);
            } else if (raw.isRecord()) {
                return new ColumnType.Nested(build(raw.asSubclass(Record.class), enclosing));
            }
        } else if (javaType instanceof ParameterizedType parameterized) {
            Type[] arguments = parameterized.getActualTypeArguments();
            if (parameterized.getRawType() == List.class) {
                if (arguments[0] == Integer.class) {
                    return new ColumnType.ListOf(ColumnType.Scalar.INT, false);
                } else if (arguments[0] == String.class) {
                    return new ColumnType.ListOf(ColumnType.Scalar.STRING, false);
                } else if (arguments[0] instanceof Class<?> element && element.isRecord()) {
                    return new ColumnType.ListOf(
                            new ColumnType.Nested(build(element.asSubclass(Record.class), enclosing)), false);
                }
            } else if (parameterized.getRawType() == Map.class && arguments[0] == String.class) {
                if (arguments[1] == String.class) {
                    return new ColumnType.MapOf(ColumnType.Scalar.STRING);
                } else if (arguments[1] == Double.class) {
                    return new ColumnType.MapOf(ColumnType.Scalar.DOUBLE);
                }
            }
        }
        throw new IllegalArgumentException(owner.getSimpleName() + "." + component.getName() + " has type "
                + javaType.getTypeName() + ", which phi4j cannot store; supported: " + SUPPORTED);
    }
}
