/**
 * The vLLM keys of a container definition. They are not interpreted by this tool: the vLLM application script
 * reads them. Built on call, never held at module level.
 */
import { z } from "zod";

/** The vLLM fields, as a shape to spread into the container object. */
export function buildVllmShape() {
  // Free-form keys of old files may hold any JSON value (one original file keeps a list of tests under "vllm").
  const json = () => z.unknown();
  return {
    vllm_model: z.string().nullable().optional().describe('Model to serve, e.g. "Qwen/Qwen2.5-7B-Instruct-AWQ".'),
    vllm_served_model_name: z.string().optional().describe("Name the OpenAI-compatible API serves the model under."),
    vllm_model_type: z.enum(["chat", "embedding"]).optional().describe('"chat" or "embedding"; selects the validation query.'),
    vllm_port: z.number().int().min(1).max(65535).optional().describe("Port vLLM listens on."),
    vllm_tensor_parallel_size: z.number().int().min(1).optional().describe("Tensor parallel degree (GPUs per model)."),
    vllm_gpu_memory_utilization: z.number().gt(0).max(1).optional().describe("Fraction of GPU memory vLLM may use, 0 < x ≤ 1."),
    vllm_max_model_len: z.number().int().min(1).optional().describe("Maximum context length."),
    vllm_args: z.array(z.string()).optional().describe('Extra command-line arguments, e.g. ["--enforce-eager"].'),
    vllm_parameters: json().optional().describe('Engine parameters, usually key/value pairs, e.g. {"max_num_seqs": 1}.'),
    vllm_quantization: z.string().optional().describe('Quantization method, e.g. "awq".'),
    vllm_trust_remote_code: z.boolean().optional().describe("Pass --trust-remote-code."),
    vllm: json().optional().describe("Free-form vLLM settings of old files (any JSON value)."),
    vllm_engine_config: json().optional().describe("Free-form vLLM engine configuration (any JSON value)."),
  };
}
