using System.Text.Json;
using System.Text.Json.Serialization;
using JudgeApi.Judging;

namespace JudgeApi.Contracts;

/// <summary>POST /judge/batch body: up to <see cref="JudgeBatchRequestValidator.MaxItems"/> judge requests.</summary>
public sealed record JudgeBatchRequest
{
    [JsonConverter(typeof(EachItemOnItsOwn))]
    public List<JudgeRequest?>? Items { get; init; }

    /// <summary>
    /// Reads each item by itself, so that an item of the wrong shape (a string where a number goes) fails alone, with
    /// its field named (<see cref="JudgeRequest.ReadErrors"/>), as items that break a validation rule do. Only a body
    /// that is not JSON at all fails the whole batch.
    /// </summary>
    private sealed class EachItemOnItsOwn : JsonConverter<List<JudgeRequest?>>
    {
        public override List<JudgeRequest?> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
                throw new JsonException("items must be an array");
            var items = new List<JudgeRequest?>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                using var item = JsonDocument.ParseValue(ref reader);
                items.Add(ReadItem(item.RootElement, options));
            }
            return items;
        }

        private static JudgeRequest? ReadItem(JsonElement item, JsonSerializerOptions options)
        {
            try
            {
                return item.Deserialize<JudgeRequest>(options);
            }
            catch (JsonException e)
            {
                return new JudgeRequest { ReadErrors = JsonBodyErrors.ByField(JsonBodyErrors.Describe(e, typeof(JudgeRequest), "The item"), "item") };
            }
        }

        public override void Write(Utf8JsonWriter writer, List<JudgeRequest?> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.AsEnumerable(), options);
    }
}

/// <summary>Results in request order; each item has either a result or an error.</summary>
public sealed record JudgeBatchResponse(IReadOnlyList<JudgeBatchItem> Items);

/// <param name="Status">HTTP status this item would have had on POST /judge.</param>
public sealed record JudgeBatchItem(int Index, int Status, JudgeResponse? Result, JudgeBatchError? Error);

/// <param name="Errors">Validation errors keyed by field, when the item was invalid.</param>
public sealed record JudgeBatchError(string Title, string? Detail, IDictionary<string, string[]>? Errors);
