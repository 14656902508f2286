#include "quant/gptq.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "quant/row_grid.h"

namespace tandem::quant {
namespace {

// In-place lower Cholesky factor of a row-major n×n matrix; false if not positive definite.
bool cholesky_lower(std::vector<double>& a, int64_t n) {
  for (int64_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (int64_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0.0) || !std::isfinite(d)) return false;
    d = std::sqrt(d);
    a[j * n + j] = d;
    for (int64_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (int64_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / d;
    }
    for (int64_t i = 0; i < j; ++i) a[i * n + j] = 0.0;  // clear the upper triangle
  }
  return true;
}

}  // namespace

std::vector<double> inverse_hessian_factor(std::vector<double> h, int64_t n, double damp,
                                           GptqResult* info) {
  double mean_diag = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (h[i * n + i] == 0.0) {  // a dead input: any positive value keeps H invertible
      h[i * n + i] = 1.0;
      if (info) ++info->dead_columns;
    }
    mean_diag += h[i * n + i];
  }
  mean_diag /= static_cast<double>(n);
  for (int attempt = 0; attempt < 5; ++attempt, damp *= 10) {
    std::vector<double> l(h);
    for (int64_t i = 0; i < n; ++i) l[i * n + i] += damp * mean_diag;
    if (!cholesky_lower(l, n)) continue;
    // L⁻¹ by forward substitution, column by column.
    std::vector<double> li(static_cast<size_t>(n * n), 0.0);
    for (int64_t c = 0; c < n; ++c) {
      li[c * n + c] = 1.0 / l[c * n + c];
      for (int64_t i = c + 1; i < n; ++i) {
        double s = 0;
        for (int64_t k = c; k < i; ++k) s += l[i * n + k] * li[k * n + c];
        li[i * n + c] = -s / l[i * n + i];
      }
    }
    // H⁻¹ = L⁻ᵀ L⁻¹, then its Cholesky factor.
    std::vector<double> inv(static_cast<size_t>(n * n));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j <= i; ++j) {
        double s = 0;
        for (int64_t k = i; k < n; ++k) s += li[k * n + i] * li[k * n + j];
        inv[i * n + j] = inv[j * n + i] = s;
      }
    if (!cholesky_lower(inv, n)) continue;
    std::vector<double> u(static_cast<size_t>(n * n), 0.0);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = i; j < n; ++j) u[i * n + j] = inv[j * n + i];
    if (info) info->damp_used = damp;
    return u;
  }
  throw std::runtime_error("GPTQ: the Hessian of a " + std::to_string(n) +
                           "-input linear is not positive definite even with heavy dampening");
}

GptqResult gptq_quantize(model::GgmlType type, std::span<float> w, int64_t rows, int64_t cols,
                         std::vector<double> hessian, const GptqOptions& opt,
                         kernels::ThreadPool& pool, uint8_t* out) {
  if (static_cast<int64_t>(w.size()) != rows * cols ||
      static_cast<int64_t>(hessian.size()) != cols * cols)
    throw std::invalid_argument("GPTQ: weight or Hessian size does not match the shape");
  GptqResult info;
  std::vector<bool> dead(static_cast<size_t>(cols));
  for (int64_t i = 0; i < cols; ++i) dead[i] = hessian[i * cols + i] == 0.0;
  const std::vector<double> u = inverse_hessian_factor(std::move(hessian), cols, opt.damp, &info);
  const int64_t span = RowGrid(type, cols, opt.group).span();
  const int64_t block = (std::max<int64_t>(opt.block, span) + span - 1) / span * span;
  const size_t rb = model::row_bytes(type, cols);

  pool.parallel_for(rows, [&](int64_t begin, int64_t end, int) {
    std::vector<double> err(static_cast<size_t>(block));
    std::vector<double> row(static_cast<size_t>(cols));
    std::vector<float> span_vals(static_cast<size_t>(span));
    for (int64_t r = begin; r < end; ++r) {
      float* wr = w.data() + r * cols;
      for (int64_t i = 0; i < cols; ++i) row[i] = dead[i] ? 0.0 : wr[i];
      RowGrid grid(type, cols, opt.group);
      for (int64_t i1 = 0; i1 < cols; i1 += block) {
        const int64_t i2 = std::min(i1 + block, cols);
        for (int64_t i = i1; i < i2; ++i) {
          // The span lies inside this block, so its columns already carry all earlier errors.
          if (i % span == 0) {
            const int64_t n = std::min(span, cols - i);
            for (int64_t k = 0; k < n; ++k) span_vals[k] = static_cast<float>(row[i + k]);
            grid.begin_span(i, std::span<const float>(span_vals.data(), n));
          }
          const double q = grid.quantize(i, static_cast<float>(row[i]));
          const double e = (row[i] - q) / u[i * cols + i];
          const double* ui = u.data() + i * cols;
          for (int64_t j = i + 1; j < i2; ++j) row[j] -= e * ui[j];
          err[i - i1] = e;
          row[i] = q;
        }
        // Lazy update: the block's errors reach the remaining columns in one pass.
        for (int64_t k = i1; k < i2; ++k) {
          const double e = err[k - i1];
          const double* uk = u.data() + k * cols;
          for (int64_t j = i2; j < cols; ++j) row[j] -= e * uk[j];
        }
      }
      for (int64_t i = 0; i < cols; ++i) wr[i] = static_cast<float>(row[i]);
      grid.pack(out + static_cast<size_t>(r) * rb);
    }
  });
  return info;
}

}  // namespace tandem::quant
