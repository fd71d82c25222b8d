using System.Numerics.Tensors;

namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Plain stochastic gradient descent, θ ← θ − η·(g + λθ) (004 §3.1).</summary>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates the optimizer with one group.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">η.</param>
    public Sgd(IEnumerable<Parameter> parameters, float learningRate)
        : this([new ParameterGroup("all", parameters, learningRate)])
    {
    }

    /// <summary>Creates the optimizer with parameter groups.</summary>
    /// <param name="groups">The groups.</param>
    public Sgd(IEnumerable<ParameterGroup> groups)
        : base(groups)
    {
    }

    /// <inheritdoc/>
    public override void Step()
    {
        StepCount++;
        foreach (ParameterGroup g in Groups)
        {
            foreach (Parameter p in g.Parameters)
            {
                if (!p.RequiresGradient)
                {
                    continue;
                }

                if (g.WeightDecay != 0)
                {
                    TensorPrimitives.MultiplyAdd(p.Weights, g.WeightDecay, p.Gradients, p.Gradients);
                }

                TensorPrimitives.MultiplyAdd(p.Gradients, -g.LearningRate, p.Weights, p.Weights);
            }
        }
    }
}
