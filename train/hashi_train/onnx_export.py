"""ONNX export of the integer network (QDQ, Po2 scales), written from IntegerNet's integers.

Every float in the file is an exact binary fraction and every requantization is the floor
pattern Mul(2^n) -> Floor -> Mul(2^-n) -> QuantizeLinear(2^-n), so the file means exactly
the integer network (hashi's importer reads it back as such) and a float32 runtime computes
the same numbers wherever its sums stay within float32's 24-bit mantissa (`float32_exact`
says where they do). The classifier is the hardened Po2 one (HaShiFix's); the NPU's Q1.15
weights are not a Po2 graph.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .integer import IntegerNet
from .quant.bn import BIAS_FORMAT

OPSET = 21  # QuantizeLinear to int16 (the scores)
SCORE_FRAC = 8  # Q8.8 scores, as the reference's po2_scores


class _Builder:
    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.consts: dict[tuple, str] = {}

    def const(self, value: np.ndarray, name: str) -> str:
        self.inits.append(numpy_helper.from_array(value, name))
        return name

    def scalar(self, value: float, dtype=np.float32) -> str:
        """A shared scalar initializer (scales, zero points, powers of two)."""
        key = (float(value), np.dtype(dtype).name)
        if key not in self.consts:
            self.consts[key] = self.const(np.array(value, dtype=dtype), f"c_{np.dtype(dtype).name}_{len(self.consts)}")
        return self.consts[key]

    def op(self, op_type: str, inputs: list[str], name: str, **attrs) -> str:
        self.nodes.append(helper.make_node(op_type, inputs, [name], name=name, **attrs))
        return name

    def quantize(self, x: str, frac: int, name: str, bits: int = 8) -> str:
        """QuantizeLinear (scale 2^-frac, zero point 0 of int8/int16) and its DequantizeLinear."""
        zp = self.scalar(0, np.int8 if bits == 8 else np.int16)
        scale = self.scalar(2.0**-frac)
        q = self.op("QuantizeLinear", [x, scale, zp], f"{name}_q")
        return self.op("DequantizeLinear", [q, scale, zp], f"{name}_dq")

    def floor_quantize(self, x: str, frac: int, name: str, bits: int = 8) -> str:
        """floor(x 2^frac) 2^-frac, then quantized: the integer network's shift and saturation."""
        up = self.op("Mul", [x, self.scalar(2.0**frac)], f"{name}_up")
        fl = self.op("Floor", [up], f"{name}_floor")
        back = self.op("Mul", [fl, self.scalar(2.0**-frac)], f"{name}_down")
        return self.quantize(back, frac, name, bits)


def _exact_f32(a: np.ndarray, what: str) -> np.ndarray:
    f = a.astype(np.float32)
    if not np.array_equal(f.astype(np.float64), a):
        raise ValueError(f"{what}: a value is not exact in float32")
    return f


def build_onnx(net: IntegerNet, graph_name: str) -> onnx.ModelProto:
    """The integer network `net` (extractor and hardened Po2 classifier) as a QDQ ONNX model."""
    cfg, n = net.cfg, net.cfg.act.frac
    b = _Builder()
    r = cfg.resolution
    x = b.quantize("image", n, "input")

    def conv(h: str, layer_index: int) -> str:
        l = net.layers[layer_index]
        k = l.weight.shape[-1]
        w = _exact_f32(np.ldexp(l.weight.astype(np.float64), n - l.acc_frac), f"{l.key} weights")
        bias = _exact_f32(np.ldexp(l.bias.astype(np.float64), -l.acc_frac), f"{l.key} bias")
        stem = l.key.removesuffix(".weight").replace(".", "_")
        ins = [h, b.const(w, f"{stem}_w"), b.const(bias, f"{stem}_b")]
        return b.op("Conv", ins, stem, kernel_shape=[k, k], strides=[l.stride, l.stride], pads=[k // 2] * 4, group=l.groups)

    def relu6(acc: str, name: str) -> str:
        return b.op("Clip", [acc, b.scalar(0.0), b.scalar(6.0)], f"{name}_relu6")

    x = b.floor_quantize(relu6(conv(x, 0), "stem"), n, "stem")
    for bi, (first, last, residual) in enumerate(net.blocks):
        h = x
        for li in range(first, last):
            h = b.floor_quantize(relu6(conv(h, li), f"b{bi}_{li}"), n, f"b{bi}_{li}")
        acc = conv(h, last)
        if residual:
            acc = b.op("Add", [acc, x], f"b{bi}_add")
        x = b.floor_quantize(acc, n, f"b{bi}_out")
    x = b.floor_quantize(relu6(conv(x, len(net.layers) - 1), "head"), n, "head")
    pooled = b.floor_quantize(b.op("GlobalAveragePool", [x], "pool"), n, "pool")
    flat = b.op("Flatten", [pooled], "flatten", axis=1)
    sign, exp = net.classifier_po2
    wc = _exact_f32(np.where(sign != 0, sign * np.ldexp(1.0, exp), 0.0), "classifier weights")
    bc = _exact_f32(np.ldexp(net.classifier_bias.astype(np.float64), -BIAS_FORMAT.frac), "classifier bias")
    logits = b.op("Gemm", [flat, b.const(wc, "classifier_w"), b.const(bc, "classifier_b")], "classifier", transB=1)
    scores = b.floor_quantize(logits, SCORE_FRAC, "scores", bits=16)
    b.nodes.append(helper.make_node("Identity", [scores], ["scores"], name="output"))
    graph = helper.make_graph(
        b.nodes,
        graph_name,
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, r, r])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, cfg.classes])],
        b.inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="hashi_train")
    model.ir_version = 10
    onnx.checker.check_model(model, full_check=True)
    return model


def float32_exact(net: IntegerNet) -> list[tuple[str, int]]:
    """Per conv layer and the classifier: bits of the largest possible |sum| in its own units.

    At most 24 bits, a float32 runtime adds exactly whatever the order; above, it may round.
    """
    bits = []
    amax = -net.cfg.act.raw_min()  # the largest |activation|, raw
    for l in net.layers:
        per_out = np.abs(l.weight).reshape(l.weight.shape[0], -1).sum(axis=1) * amax + np.abs(l.bias)
        bits.append((l.key, int(per_out.max()).bit_length()))
    sign, exp = net.classifier_po2
    nz = sign != 0
    frac = max(net.cfg.act.frac - int(exp[nz].min()), BIAS_FORMAT.frac)
    w = np.where(nz, np.left_shift(np.int64(1), np.where(nz, exp - net.cfg.act.frac + frac, 0)), 0)
    c = w.sum(axis=1) * amax + (np.abs(net.classifier_bias) << (frac - BIAS_FORMAT.frac))
    bits.append(("classifier", int(c.max()).bit_length()))
    return bits


def save_onnx(model: onnx.ModelProto, path: str) -> None:
    # Serialized once, deterministically (no maps in the proto), so re-runs write the same bytes.
    with open(path, "wb") as f:
        f.write(model.SerializeToString(deterministic=True))
