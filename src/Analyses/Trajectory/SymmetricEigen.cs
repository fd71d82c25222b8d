namespace MLGradientInsight.Analyses.Trajectory;

/// <summary>Eigenvalues and eigenvectors of a small symmetric matrix by cyclic Jacobi rotations (K ≤ a few hundred checkpoints).</summary>
/// <remarks>Hand-written because the project has no linear-algebra package and this is 50 lines; Jacobi is accurate for symmetric matrices.</remarks>
internal static class SymmetricEigen
{
    /// <summary>Decomposes <paramref name="a"/> (n×n, row-major, destroyed).</summary>
    /// <returns>Eigenvalues sorted descending and the matching eigenvectors as columns of an n×n row-major matrix.</returns>
    public static (double[] Values, double[] Vectors) Decompose(double[] a, int n)
    {
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            v[(i * n) + i] = 1;
        }

        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, diag = 0;
            for (int p = 0; p < n; p++)
            {
                diag += a[(p * n) + p] * a[(p * n) + p];
                for (int q = p + 1; q < n; q++)
                {
                    off += a[(p * n) + q] * a[(p * n) + q];
                }
            }

            if (off <= 1e-30 * Math.Max(diag, 1e-300))
            {
                break;
            }

            for (int p = 0; p < n - 1; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[(p * n) + q];
                    if (apq == 0)
                    {
                        continue;
                    }

                    double theta = (a[(q * n) + q] - a[(p * n) + p]) / (2 * apq);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt((theta * theta) + 1));
                    if (theta == 0)
                    {
                        t = 1;
                    }

                    double c = 1 / Math.Sqrt((t * t) + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[(k * n) + p], akq = a[(k * n) + q];
                        a[(k * n) + p] = (c * akp) - (s * akq);
                        a[(k * n) + q] = (s * akp) + (c * akq);
                    }

                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[(p * n) + k], aqk = a[(q * n) + k];
                        a[(p * n) + k] = (c * apk) - (s * aqk);
                        a[(q * n) + k] = (s * apk) + (c * aqk);
                    }

                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[(k * n) + p], vkq = v[(k * n) + q];
                        v[(k * n) + p] = (c * vkp) - (s * vkq);
                        v[(k * n) + q] = (s * vkp) + (c * vkq);
                    }
                }
            }
        }

        int[] order = [.. Enumerable.Range(0, n).OrderByDescending(i => a[(i * n) + i])];
        double[] values = [.. order.Select(i => a[(i * n) + i])];
        double[] vectors = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            for (int k = 0; k < n; k++)
            {
                vectors[(k * n) + j] = v[(k * n) + order[j]];
            }
        }

        return (values, vectors);
    }
}
