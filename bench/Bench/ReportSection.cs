namespace HeaterOrleans.Bench;

/// <summary>One table of the report: a title, column headers, and rows of cells.</summary>
public sealed record ReportSection(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);
