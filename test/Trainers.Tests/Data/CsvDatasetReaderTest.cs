using MLGradientInsight.Trainers.Data;

namespace MLGradientInsight.Trainers.Tests.Data;

[TestClass]
public sealed class CsvDatasetReaderTest
{
    [TestMethod]
    public void Read_StringLabels_AreSortedOrdinallyIntoClassIndices()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("iris.csv", "sepal,petal,species\n1.5,2,versicolor\n-3e-1,4.25,setosa\n\n7,8,virginica\n0,0,setosa\n");

        CsvDataset csv = CsvDatasetReader.Read(path, new CsvReaderOptions { LabelColumn = "species" });

        Assert.AreEqual(4, csv.Dataset.Count);
        Assert.AreEqual(3, csv.Dataset.ClassCount);
        CollectionAssert.AreEqual(new[] { "setosa", "versicolor", "virginica" }, csv.ClassLabels.ToArray());
        CollectionAssert.AreEqual(new[] { 1f, 0f, 2f, 0f }, csv.Dataset.Targets.Span.ToArray());
        CollectionAssert.AreEqual(new[] { 4, 2 }, csv.Dataset.Features.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 1.5f, 2f, -0.3f, 4.25f, 7f, 8f, 0f, 0f }, csv.Dataset.Features.Span.ToArray());
        CollectionAssert.AreEqual(new[] { "sepal", "petal" }, csv.FeatureNames.ToArray());
        Assert.AreEqual("species", csv.LabelName);
        Assert.AreEqual("iris", csv.Dataset.Name);
    }

    [TestMethod]
    public void Read_IntegerLabelsFormingARange_AreUsedAsIs()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("d.csv", "y,a\n2,1\n0,2\n1,3\n2,4\n");

        CsvDataset csv = CsvDatasetReader.Read(path, new CsvReaderOptions { LabelColumnIndex = 0 });

        CollectionAssert.AreEqual(new[] { 2f, 0f, 1f, 2f }, csv.Dataset.Targets.Span.ToArray());
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f, 4f }, csv.Dataset.Features.Span.ToArray());
    }

    [TestMethod]
    public void Read_NumericLabelsNotARange_AreSortedNumerically()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("d.csv", "a,y\n1,10\n2,2\n3,-1\n4,2\n");

        CsvDataset csv = CsvDatasetReader.Read(path);

        CollectionAssert.AreEqual(new[] { "-1", "2", "10" }, csv.ClassLabels.ToArray());
        CollectionAssert.AreEqual(new[] { 2f, 1f, 0f, 1f }, csv.Dataset.Targets.Span.ToArray());
    }

    [TestMethod]
    public void Read_Regression_GivesTargetsOfShapeNx1()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("r.csv", "x1,x2,price\n1,2,3.5\n4,5,-6.25\n");

        CsvDataset csv = CsvDatasetReader.Read(path, new CsvReaderOptions { Task = CsvTask.Regression, Name = "houses" });

        Assert.AreEqual(0, csv.Dataset.ClassCount);
        CollectionAssert.AreEqual(new[] { 2, 1 }, csv.Dataset.Targets.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 3.5f, -6.25f }, csv.Dataset.Targets.Span.ToArray());
        Assert.IsEmpty(csv.ClassLabels);
        Assert.AreEqual("houses", csv.Dataset.Name);
    }

    [TestMethod]
    public void Read_NoHeaderQuotedCellsAndSemicolons_AreSupported()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("q.csv", " 1 ; \"2.5\" ;\"a;b\"\n3;4;\"say \"\"hi\"\"\"\r\n");

        CsvDataset csv = CsvDatasetReader.Read(path, new CsvReaderOptions { HasHeader = false, Delimiter = ';' });

        CollectionAssert.AreEqual(new[] { 1f, 2.5f, 3f, 4f }, csv.Dataset.Features.Span.ToArray());
        CollectionAssert.AreEqual(new[] { "a;b", "say \"hi\"" }, csv.ClassLabels.ToArray());
        CollectionAssert.AreEqual(new[] { "column1", "column2" }, csv.FeatureNames.ToArray());
    }

    [TestMethod]
    [DataRow("a,b,y\n1,2,x\n3,oops,y\n", 3, 2, "'oops' is not a finite number", "('b')")]
    [DataRow("a,b,y\n1,2,x\n3,,y\n", 3, 2, "is empty", "column 2")]
    [DataRow("a,b,y\n1,\"2,5\",x\n", 2, 2, "'2,5' is not a finite number", "Use '.' as the decimal separator")]
    [DataRow("a,b,y\n1,NaN,x\n", 2, 2, "'NaN' is not a finite number", "finite number")]
    [DataRow("a,b,y\n1,2,x\n3,4\n", 3, null, "the row has 2 cells but the header (line 1) has 3", "same number")]
    [DataRow("a,b,y\n1,2,x,9\n", 2, null, "the row has 4 cells", "remove")]
    [DataRow("a,b,y\n1,\"2,x\n", 2, 3, "quoted cell is not closed", "closing")]
    [DataRow("", null, null, "the file is empty", "header line")]
    [DataRow("\n\n", null, null, "the file is empty", "data row")]
    [DataRow("a,b,y\n", 1, null, "no data rows", "add at least one row")]
    [DataRow("abc\n1\n", 1, null, "the first row has 1 cell", "delimiter")]
    public void Read_BadFile_ThrowsNamingLineColumnAndFix(string content, int? line, int? column, string expected, string fix)
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("bad.csv", content);

        DataFormatException e = Assert.ThrowsExactly<DataFormatException>(() => CsvDatasetReader.Read(path));

        Assert.AreEqual(path, e.FilePath);
        Assert.AreEqual(line, e.Line);
        Assert.AreEqual(column, e.Column);
        StringAssert.StartsWith(e.Message, path);
        if (line is int l)
        {
            StringAssert.Contains(e.Message, column is int c ? $"line {l}, column {c}:" : $"line {l}:");
        }

        StringAssert.Contains(e.Message, expected);
        StringAssert.Contains(e.Message, fix);
    }

    [TestMethod]
    public void Read_RegressionWithTextLabel_ThrowsAtTheLabelCell()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("r.csv", "a,y\n1,2\n3,high\n");

        DataFormatException e = Assert.ThrowsExactly<DataFormatException>(() => CsvDatasetReader.Read(path, new CsvReaderOptions { Task = CsvTask.Regression }));

        Assert.AreEqual(3, e.Line);
        Assert.AreEqual(2, e.Column);
        StringAssert.Contains(e.Message, "regression target cell in column 2 ('y') 'high'");
    }

    [TestMethod]
    public void Read_MissingLabelColumn_ListsTheColumnsAndSuggestsTheCaseVariant()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("d.csv", "a,Label\n1,x\n");

        DataFormatException e = Assert.ThrowsExactly<DataFormatException>(() => CsvDatasetReader.Read(path, new CsvReaderOptions { LabelColumn = "label" }));

        Assert.AreEqual(1, e.Line);
        StringAssert.Contains(e.Message, "no label column named 'label'");
        StringAssert.Contains(e.Message, "'a', 'Label'");
        StringAssert.Contains(e.Message, "Did you mean 'Label'");
    }

    [TestMethod]
    [DataRow(2)]
    [DataRow(-3)]
    public void Read_LabelIndexOutOfRange_Throws(int index)
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("d.csv", "a,b\n1,2\n");

        DataFormatException e = Assert.ThrowsExactly<DataFormatException>(() => CsvDatasetReader.Read(path, new CsvReaderOptions { LabelColumnIndex = index }));

        StringAssert.Contains(e.Message, "out of range");
    }

    [TestMethod]
    public void Read_MissingFile_NamesIt()
    {
        using var dir = new TempDirectory();
        string path = dir.File("nope.csv");

        DataFormatException e = Assert.ThrowsExactly<DataFormatException>(() => CsvDatasetReader.Read(path));

        Assert.AreEqual(path, e.FilePath);
        StringAssert.Contains(e.Message, "does not exist");
    }

    [TestMethod]
    public void Read_LabelNameWithoutHeader_IsAnArgumentError()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("d.csv", "1,2\n");

        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => CsvDatasetReader.Read(path, new CsvReaderOptions { HasHeader = false, LabelColumn = "y" }));

        Assert.AreEqual("LabelColumn", e.ParamName);
    }
}
