// The reference networks and the small models, quantized with their
// published policies by cim-assign-precision, convert completely: every
// layer is a cim.matmul / cim.conv2d, nothing of linalg, quant or tensor is
// left, and stock mlir-opt parses the result with the IRDL file alone.
// Expected layer counts are the published ones (ResNet-18: 20 convolutions
// + fc; VGG-16: 13 + 3; ViT-B/32: patch conv + 12 x (qkv, out, mlp.0,
// mlp.3, Q.K^T, A.V) + head = 74; smallcnn 3 + 1; mlp 3).
// RUN: cim-opt %cim_src_root/examples/models/resnet18.mlir --cim-assign-precision='policy=%cim_src_root/test/e2e/Inputs/resnet18-both_constraints-acc05-rcell4.json' --convert-linalg-to-cim -o %t.resnet18.mlir
// RUN: %mlir-opt --irdl-file=%irdl_cim %t.resnet18.mlir -o /dev/null
// RUN: FileCheck %s --check-prefix=RESNET < %t.resnet18.mlir
// RUN: grep -c '"cim.conv2d"\|"cim.matmul"' %t.resnet18.mlir | FileCheck %s --check-prefix=R21
// RESNET-NOT: linalg.
// RESNET-NOT: quant.
// RESNET-NOT: tensor.
// R21: {{^}}21{{$}}
// RUN: cim-opt %cim_src_root/examples/models/vgg16.mlir --cim-assign-precision='policy=%cim_src_root/test/e2e/Inputs/vgg16-both_constraints-acc05-rcell4.json' --convert-linalg-to-cim -o %t.vgg16.mlir
// RUN: %mlir-opt --irdl-file=%irdl_cim %t.vgg16.mlir -o /dev/null
// RUN: FileCheck %s --check-prefix=RESNET < %t.vgg16.mlir
// RUN: grep -c '"cim.conv2d"\|"cim.matmul"' %t.vgg16.mlir | FileCheck %s --check-prefix=V16
// V16: {{^}}16{{$}}
// RUN: cim-opt %cim_src_root/examples/models/vitb32.mlir --cim-assign-precision='policy=%cim_src_root/test/e2e/Inputs/vitb32-both_constraints-acc05-rcell4.json' --convert-linalg-to-cim -o %t.vitb32.mlir
// RUN: %mlir-opt --irdl-file=%irdl_cim %t.vitb32.mlir -o /dev/null
// RUN: FileCheck %s --check-prefix=VIT < %t.vitb32.mlir
// RUN: grep -c '"cim.conv2d"\|"cim.matmul"' %t.vitb32.mlir | FileCheck %s --check-prefix=V74
// V74: {{^}}74{{$}}
// VIT: "cim.layer_norm"
// VIT: "cim.softmax"
// VIT: "cim.lut"{{.*}}function = "gelu"
// VIT-NOT: linalg.
// VIT-NOT: quant.
// RUN: cim-opt %cim_src_root/examples/models/smallcnn.mlir --cim-assign-precision --convert-linalg-to-cim -o %t.smallcnn.mlir
// RUN: %mlir-opt --irdl-file=%irdl_cim %t.smallcnn.mlir -o /dev/null
// RUN: grep -c '"cim.conv2d"\|"cim.matmul"' %t.smallcnn.mlir | FileCheck %s --check-prefix=S4
// S4: {{^}}4{{$}}
// RUN: cim-opt %cim_src_root/examples/models/mlp.mlir --cim-assign-precision --convert-linalg-to-cim -o %t.mlp.mlir
// RUN: %mlir-opt --irdl-file=%irdl_cim %t.mlp.mlir -o /dev/null
// RUN: grep -c '"cim.matmul"' %t.mlp.mlir | FileCheck %s --check-prefix=M3
// M3: {{^}}3{{$}}
