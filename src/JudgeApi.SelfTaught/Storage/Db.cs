using System.Data.Common;
using System.Text.Json;

namespace JudgeApi.SelfTaught;

/// <summary>
/// The module's one way to run SQL: a connection and, inside <see cref="SelfTaughtDatabase.Read{T}"/> or
/// <see cref="SelfTaughtDatabase.Write"/>, its transaction, on SQLite or PostgreSQL (<see cref="Dialect"/> holds what
/// differs). Every value is a parameter (<c>@name</c>, which both read), states and reasons included, so no statement
/// is built from data.
/// </summary>
internal readonly struct Db(DbConnection connection, DbTransaction? transaction, SqlDialect dialect)
{
    /// <summary>The SQL that differs between the stores (locking clauses, JSON lists, the clock).</summary>
    public SqlDialect Dialect => dialect;

    /// <summary>A command for a statement run once per row: run it with the static <c>Execute(command, values)</c>.</summary>
    public DbCommand Command(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        Set(command, parameters);
        return command;
    }

    /// <summary>Runs a statement; the number of rows it changed.</summary>
    public int Execute(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    /// <summary>Runs a prepared command again with these values (the others keep theirs).</summary>
    public static int Execute(DbCommand command, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        Set(command, parameters);
        return command.ExecuteNonQuery();
    }

    /// <summary>The first column of the first row, or null when there is no row or it is NULL.</summary>
    public object? Scalar(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var command = Command(sql, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public List<T> Query<T>(string sql, Func<DbDataReader, T> row, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        var result = new List<T>();
        while (reader.Read())
            result.Add(row(reader));
        return result;
    }

    /// <summary>A value for a JSON column: the web defaults, as every JSON column is read (<see cref="DbReaderExtensions.GetJson{T}"/>).</summary>
    public static string Json<T>(T value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

    /// <summary>A JSON value read from a column, with the same defaults.</summary>
    public static T FromJson<T>(string json) => JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web)!;

    private static void Set(DbCommand command, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            if (!command.Parameters.Contains(name))
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                command.Parameters.Add(parameter);
            }
            command.Parameters[name].Value = value ?? DBNull.Value;
        }
    }
}

/// <summary>Reads of columns that may be NULL.</summary>
internal static class DbReaderExtensions
{
    public static string? GetNullableString(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static double? GetNullableDouble(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    public static int? GetNullableInt32(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    /// <summary>A column holding a JSON document written with the web defaults, or null.</summary>
    public static T? GetJson<T>(this DbDataReader reader, int ordinal) where T : class =>
        reader.IsDBNull(ordinal) ? null : Db.FromJson<T>(reader.GetString(ordinal));
}
