// IEEE binary16 units from lib/float as designs: `hashi emit designs/fp16.ts --top Fp16Add`
// (a, b -> sum), `--top Fp16Fma` (a, b, c -> y = RN(a*b + c)), Fp16AddSub (sum = a ± b),
// Fp16Mul; `--param stages=1|2` adds pipeline registers (before and after rounding).
export { Fp16AddUnit as Fp16Add, Fp16AddSubUnit as Fp16AddSub, Fp16MulUnit as Fp16Mul, Fp16FmaUnit as Fp16Fma } from '../lib/float/fp16.ts';
