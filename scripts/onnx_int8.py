"""Dynamic int8 quantization of an ONNX graph, as Hugging Face Optimum's quantizer
(onnxruntime.quantization.quantize_dynamic) writes it: every MatMul whose weight is a float
initializer becomes
    x -> DynamicQuantizeLinear -> (x_q uint8, x_scale, x_zero_point)
    MatMulInteger(x_q, W_q int8, x_zero_point, 0) -> int32 -> Cast float -> Mul (x_scale * w_scale)
with the weight quantized once, symmetric per tensor (scale = max|W| / 127, zero point 0).

Written by hand because onnxruntime's Python package (which holds the quantizer) is not available
in the Debian toolchain the fixtures are built with (python3-onnx, python3-torch); this is only
what the test fixtures need (MatMul weights, also inside If branches such as the merged decoder's),
not a general quantizer: Gemm, Conv and static quantization are left alone.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def quantize_dynamic_int8(model: onnx.ModelProto) -> onnx.ModelProto:
    """Returns a copy of `model` with its weight MatMuls in int8 (see the module docstring)."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    main = model.graph
    inits = {i.name: i for i in main.initializer}
    quantized = {}  # weight name -> (int8 name, scale name, zero-point name)
    counter = [0]

    def weight_q(name):
        if name not in quantized:
            w = numpy_helper.to_array(inits[name]).astype(np.float32)
            scale = np.float32(max(float(np.abs(w).max()), 1e-12) / 127.0)
            q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
            names = (f"{name}_quantized", f"{name}_scale", f"{name}_zero_point")
            main.initializer.extend([
                numpy_helper.from_array(q, names[0]),
                numpy_helper.from_array(np.array(scale, dtype=np.float32), names[1]),
                numpy_helper.from_array(np.array(0, dtype=np.int8), names[2]),
            ])
            quantized[name] = names
        return quantized[name]

    def rewrite(graph):
        nodes = []
        for node in graph.node:
            for attr in node.attribute:  # If/Loop/Scan bodies see the main graph's initializers
                if attr.type == onnx.AttributeProto.GRAPH:
                    rewrite(attr.g)
                for g in attr.graphs:
                    rewrite(g)
            w = node.input[1] if node.op_type == "MatMul" else None
            if w is None or w not in inits or inits[w].data_type != TensorProto.FLOAT or len(inits[w].dims) != 2:
                nodes.append(node)
                continue
            counter[0] += 1
            p = f"int8_{counter[0]}_"
            wq, ws, wz = weight_q(w)
            x = node.input[0]
            nodes += [
                helper.make_node("DynamicQuantizeLinear", [x], [p + "x_q", p + "x_scale", p + "x_zp"], name=p + "quantize"),
                helper.make_node("MatMulInteger", [p + "x_q", wq, p + "x_zp", wz], [p + "int32"], name=p + "matmul"),
                helper.make_node("Cast", [p + "int32"], [p + "float"], to=TensorProto.FLOAT, name=p + "cast"),
                helper.make_node("Mul", [p + "x_scale", ws], [p + "scale"], name=p + "scales"),
                helper.make_node("Mul", [p + "float", p + "scale"], [node.output[0]], name=p + "rescale"),
            ]
        del graph.node[:]
        graph.node.extend(nodes)

    rewrite(main)
    # Weights only MatMuls used are no longer needed in float.
    used = {i for n in _all_nodes(main) for i in n.input}
    keep = [i for i in main.initializer if i.name in used]
    del main.initializer[:]
    main.initializer.extend(keep)
    onnx.checker.check_model(model)
    return model


def _all_nodes(graph):
    for n in graph.node:
        yield n
        for attr in n.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                yield from _all_nodes(attr.g)
            for g in attr.graphs:
                yield from _all_nodes(g)


def count_ops(model: onnx.ModelProto, op: str) -> int:
    return sum(1 for n in _all_nodes(model.graph) if n.op_type == op)
