using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.SelfTaught;

public class BalancedSelectionTests
{
    private static List<PoolInstruction> Pool(params (string Category, int Count)[] categories)
    {
        var id = 0;
        return categories.SelectMany(c => Enumerable.Range(0, c.Count).Select(_ => new PoolInstruction(++id, $"instruction {id}", c.Category))).ToList();
    }

    [Fact]
    public void SpreadsEvenlyOverCategories()
    {
        var selected = BalancedSelection.Select(Pool(("math", 20), ("coding", 20), ("writing", 20)), ["math", "coding", "writing"], 9, seed: 1);

        Assert.Equal(9, selected.Count);
        Assert.All(selected.GroupBy(s => s.Category), g => Assert.Equal(3, g.Count()));
    }

    [Fact]
    public void ShortCategoryLeavesItsShareToTheOthers()
    {
        var selected = BalancedSelection.Select(Pool(("math", 1), ("coding", 10), ("writing", 10)), ["math", "coding", "writing"], 9, seed: 1);

        Assert.Equal(9, selected.Count);
        Assert.Equal(1, selected.Count(s => s.Category == "math"));
        Assert.Equal(4, selected.Count(s => s.Category == "coding"));
        Assert.Equal(4, selected.Count(s => s.Category == "writing"));
    }

    [Fact]
    public void OnlyChosenCategoriesAndNeverMoreThanThePoolHas()
    {
        var selected = BalancedSelection.Select(Pool(("math", 3), ("coding", 10)), ["math"], 8, seed: 1);

        Assert.Equal(3, selected.Count);
        Assert.All(selected, s => Assert.Equal("math", s.Category));
    }

    [Fact]
    public void SameSeedSameChoiceOtherSeedOtherChoice()
    {
        var pool = Pool(("math", 50), ("coding", 50));

        var first = BalancedSelection.Select(pool, ["math", "coding"], 10, seed: 7).Select(s => s.Id);
        var again = BalancedSelection.Select(pool, ["math", "coding"], 10, seed: 7).Select(s => s.Id);
        var other = BalancedSelection.Select(pool, ["math", "coding"], 10, seed: 8).Select(s => s.Id);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }
}
