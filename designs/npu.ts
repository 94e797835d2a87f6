// The programmable classifier NPU of HaShiFlex: an output-stationary column of
// `lanes` multiply-accumulate units, run-time writable weights (lib/npu/README.md).
//   npx hashi emit designs/npu.ts --param classes=10 --param features=16 --param lanes=4
import { Npu } from '../lib/npu/npu.ts';

export { Npu };
export default Npu;
