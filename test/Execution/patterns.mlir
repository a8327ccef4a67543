// Each rewrite, followed by scheduling, computes what the original computes:
// both are lowered to LLVM and run on the same input; the output is the
// number of elements that differ beyond float rounding. Each rewrite must
// have fired: the ops it makes are counted (the in-place concat alone, or no
// rewrite, leaves one convolution). Red under each of: no channel-wise
// patterns, no kernel-wise patterns, no in-place concat (Rewrite.cpp).
// RUN: split-file %s %t
// RUN: serenity-opt %t/channel.mlir --serenity-rewrite=mode=always --serenity-schedule -o %t/channel.cand.mlir
// RUN: %count_ops tosa.conv2d tosa.clamp tosa.add tosa.concat < %t/channel.cand.mlir | FileCheck %s --check-prefix=CHANNEL --match-full-lines
// RUN: %make_comparison %t/channel.mlir %t/channel.cand.mlir -o %t/channel.both.mlir
// RUN: serenity-opt %t/channel.both.mlir %lower_to_llvm | %run | FileCheck %s
// RUN: serenity-opt %t/kernel.mlir --serenity-rewrite=mode=always --serenity-schedule -o %t/kernel.cand.mlir
// RUN: %count_ops tosa.depthwise_conv2d tosa.sigmoid tosa.concat tensor.insert_slice < %t/kernel.cand.mlir | FileCheck %s --check-prefix=KERNEL --match-full-lines
// RUN: %make_comparison %t/kernel.mlir %t/kernel.cand.mlir -o %t/kernel.both.mlir
// RUN: serenity-opt %t/kernel.both.mlir %lower_to_llvm | %run | FileCheck %s
// RUN: serenity-opt %t/linalg_channel.mlir --serenity-rewrite=mode=always --serenity-schedule -o %t/linalg_channel.cand.mlir
// RUN: %count_ops linalg.conv_2d_nhwc_hwcf linalg.fill tensor.concat < %t/linalg_channel.cand.mlir | FileCheck %s --check-prefix=LINALG-CHANNEL --match-full-lines
// RUN: %make_comparison %t/linalg_channel.mlir %t/linalg_channel.cand.mlir -o %t/linalg_channel.both.mlir
// RUN: serenity-opt %t/linalg_channel.both.mlir %lower_to_llvm | %run | FileCheck %s
// RUN: serenity-opt %t/linalg_kernel.mlir --serenity-rewrite=mode=always --serenity-schedule -o %t/linalg_kernel.cand.mlir
// RUN: %count_ops linalg.depthwise_conv_2d_nhwc_hwc tensor.extract_slice tensor.concat tensor.insert_slice < %t/linalg_kernel.cand.mlir | FileCheck %s --check-prefix=LINALG-KERNEL --match-full-lines
// RUN: %make_comparison %t/linalg_kernel.mlir %t/linalg_kernel.cand.mlir -o %t/linalg_kernel.both.mlir
// RUN: serenity-opt %t/linalg_kernel.both.mlir %lower_to_llvm | %run | FileCheck %s

// Channel-wise: one partial conv per concat input, each behind its own ReLU,
// summed by 2 adds.
// CHANNEL: tosa.conv2d 3
// CHANNEL-NEXT: tosa.clamp 3
// CHANNEL-NEXT: tosa.add 2
// CHANNEL-NEXT: tosa.concat 0
// Kernel-wise: one depthwise conv per input, each behind its own sigmoid,
// their outputs joined by a concat the in-place rewrite writes as slices.
// KERNEL: tosa.depthwise_conv2d 2
// KERNEL-NEXT: tosa.sigmoid 2
// KERNEL-NEXT: tosa.concat 0
// KERNEL-NEXT: tensor.insert_slice 2
// Linalg channel-wise: 3 convs accumulate into the one bias fill.
// LINALG-CHANNEL: linalg.conv_2d_nhwc_hwcf 3
// LINALG-CHANNEL-NEXT: linalg.fill 1
// LINALG-CHANNEL-NEXT: tensor.concat 0
// Linalg kernel-wise: 2 depthwise convs, each into its slice of the fill.
// LINALG-KERNEL: linalg.depthwise_conv_2d_nhwc_hwc 2
// LINALG-KERNEL-NEXT: tensor.extract_slice 2
// LINALG-KERNEL-NEXT: tensor.concat 0
// LINALG-KERNEL-NEXT: tensor.insert_slice 2

// Every result's line reads 0 (one line per result; any other line, before
// or after the first 0, fails).
// CHECK-NOT: {{^([^0]|0.)}}
// CHECK: {{^0$}}
// CHECK-NOT: {{^([^0]|0.)}}

//--- channel.mlir
// Three inputs, a ReLU between concat and conv, a 3x3 stride-2 conv.
func.func @channel(%arg0: tensor<1x7x7x3xf32>, %arg1: tensor<1x7x7x5xf32>, %arg2: tensor<1x7x7x2xf32>) -> tensor<1x4x4x6xf32> {
  %w = "tosa.const"() {values = dense<"0x6D4E173EB7C7E83E57A387BEE5D3C5BEB79DBA3E22BD953EBE33E1BED46937BE7CD5F83EF2AD5C3D38F1FFBE6979993D1B0EF63E6B8C4BBE39D4DBBEF96B9E3E6501B33EAC8CCCBE31977CBE2B18ED3EB965023E38E5FDBE32D3E83938D6FD3ED14603BE2BECECBE9C617D3E9746CC3E8B54B3BE77109EBECA0FDC3EB4B64A3E232EF6BEF6AC97BD96F3FF3EBC4B60BD08BAF8BE2143383E4BFCE03E7E1B96BEF34DBABEB31DC63E8F40873E11F8E8BEF06F16BE1E5AFC3E6D0BA33C5BFAFEBE130FDE3D23ACF03E13116BBEA762D2BE52BFAB3EC220A63E838ED6BE9BAD5DBE631EF33E9FC2C03D6889FFBE86450D3D7AFCFA3EB1AB24BEF2C4E5BE5B8B8D3E7E4BC13EB55ABFBE29FC8FBE2A75E43E5A3A2A3EFF63FABE81BA24BD5BB2FF3E5632B5BD0B06F4BEDA5C583E7E25D83E42E1A3BE9AEAADBE3EB2D03E7E46703E88A7EFBE8886E9BDDBB2FE3E9A0D68BC7AD4FCBE6BCE103E282CEA3E30BF84BE10F7C7BE9046B83EB27A983E6091DFBE93BC3DBEAF03F83E6FA9773DEAFDFFBEC1088C3D75F8F63EDF4C45BEAB8CDDBEB2BD9B3EAF6AB53E777DCABEBE3C81BE0ACBEB3EB4F3083E4A70FDBE9CBACABB4041FE3E7967F9BD0E30EEBE7375773ED44DCE3E44E4B0BE92B8A0BEC54EDA3E54EE503E303AF5BEAA17A5BDE9DCFF3E924745BD2282F9BE37E9313EE295E23E155893BED59DBCBED0F2C33E6D1F8A3E8C8AE7BE0FEA1CBE3DC2FB3E9D4ED93C3342FFBE55C8D03DF0CEF13E940365BE194DD4BEF436A93E48B2A83E95AFD4BE7AC763BEB208F23E9914CE3D644FFFBEEF53E43CFEA1FB3E1B3A1EBE013FE7BEFCB38A3EFC80C33E0E15BDBE89C792BEDCE7E23EDE9D303E6BA9F9BE35C93FBDE4D6FF3EA6D0A7BD4507F5BE9430523E55F2D93EE041A1BE7364B0BE31B6CE3E0640763E8E70EEBE22BAF6BD9A55FE3E93DFF6BB2257FDBEE5470A3E0D86EB3E10D581BE3A11CABE1DE7B53E65319B3EF1E4DDBEC70644BEB726F73EE34C893D16FFFFBE97237D3DB0D7F73E70043FBE233BDFBE6808993ECFCBB73E2465C8BE122884BE4B73EA3E847B0F3EF2EFFCBEA5FC51BCD6A0FE3E1436ECBD3869EFBE277E713EC64BD03E066CAEBE7059A3BEEB83D83E8C1C573E333BF4BEF07AB2BDB6BAFF3E873A2ABDFF3EFABE4A872B3E4525E43E0A8E90BE38E5BEBE19BFC13E14F88C3E9A12E6BE1E5D23BE051FFB3E01C4073D8D7EFFBE3078C33DD9E6F23EC4EB5EBEFB2DD6BEF7A6A63E353CAB3E13C7D2BE18D769BE1AE8F03E4D5DDB3DE209FFBE8B12AE3C2D3CFC3E65C117BEA6AEE8BE5ED6873EADADC53EE4C6BABE4E8C95BE5650E13E6FF9363E99E3F8BE46CF5ABDE9EFFF3E67679ABD78FDF5BED7FA4B3E5BB5DB3E3B9B9EBE5AD6B2BED6B0CC3E782E7C3ED72EEDBE50F101BEE5ECFD3EA5C66CBA63CEFDBE25BB033E58D5EC3E2CCA7DBE4C22CCBE797FB33E1BE19D3E842EDCBE27484ABE9F3EF63EDFBE963DBBF4FFBE452A623DC3ABF83E68B338BE8EDFE0BE3A4C963EA824BA3ECB43C6BE720D87BEFD10E93EDFFC153E3764FCBE44499FBCF4F4FE3E0CFADEBD9A97F0BEFB7B6B3E5840D23EEEEBABBEF4F2A5BE52AFD63E15415D3E3631F3BE2DD6BFBD008DFF3ED1250FBD98F0FABEA41D253E63AAE53E7DBD8DBE0424C1BEAA82BF3E62CA8F3E4C90E4BED1C829BE7F70FA3E98DA223D66AFFFBE3F1FB63DD3F3F33EEBC958BE3905D8BE7A0FA43E6CBEAD3E13D5D0BE2EDC6FBEAABCEF3E1F9CE83DE4B8FEBE9F926F3C02CBFC3EDA4111BED013EABEA2F2843E77D1C73E5170B8BE574A98BEABAEDF3EC24C3D3E9212F8BE7CCB75BD68FDFF3E35F78CBD96E8F6BEEBBB453E7D6EDD3E71ED9BBE3440B5BE44A2CA3EC708813E73E2EBBEB67F08BEC178FD3E3FAFBB3B363AFEBEEC50FA3DF919EE3ECCDE77BE2C2ACEBEC00FB13EB589A03E2E6EDABE6B8050BE704BF53E122AA43DDADEFFBEC426473DA374F93E0F5A32BED979E2BE4889933E1F75BC3E8519C4BEBEEC89BE31A4E73E78771C3E1FCDFBBE098DD5BC983DFF3EFBB3D1BD27BBF1BE346F653E722BD43E1864A9BEFF84A8BE0ED1D43EA85B633E461CF2BEC628CDBDC853FF3E5215E8BCE596FBBE90AC1E3E2925E73E8DE68ABE1D5AC3BE9B3DBD3E3696923EB303E3BEE02C30BEB3B6F93ED9E93D3DBCD4FFBE1ABEA83DD1F5F43E4F9E52BEBDD2D9BE9970A13ED038B03EACD9CEBE78D675BE6F86EE3E79D0F53D6D5CFEBE60F5023C744EFD3EC5BB0ABE716EEBBEEA08823E41ECC93E7111B6BE84019BBEEE02DE3E9097433E6036F7BE515E88BD60FFFF3E53017FBD97C8F7BE17743F3EA71DDF3EA33899BEE5A1B7BE918AC83E83F4833E6F8BEABEF6070FBE33F9FC3E70774A3C969AFEBE4920ED3DE153EF3E42E871BEC428D0BE0F98AE3E152BA33E01A4D8BE4DAF56BE354DF43EE08DB13D73BDFFBE4C1A2C3D4832FA3EAEF82BBEF209E4BEB1BF903E1ABDBE3E6AE6C1BED4C58CBEF72CE63E07EB223EB02AFBBE98E305BDBE7AFF3E7864C4BDD2D3F2BE19585F3EFE0CD63EA1D4A6BE730FABBE35E9D23EFE6B693E70FCF0BE2372DABD110FFF3E90D4B1BCDE31FCBE5634183E8795E83E5D0988BE6A87C5BE07F0BA3E715B953EE26CE1BE008936BEA8F1F83E8DF0583D8DEEFFBE5C559B3DC7ECF53E37694CBE7296DBBE74CA9E3E45ABB23EF5D4CCBEB0C57BBE7645ED3EE17C013E83F4FDBED291B23A7FC6FD3E712F04BE78BEECBEAE327E3EF5FDCB3E5DAAB3BEB7B19DBE324DDC3E8FD9493E0C4FF6BEC0D095BDD1F5FF3EC10864BD709DF8BEA523393EC5C2E03EEE7C96BE52FBB9BED869C63E4EDA863EDC29E9BEC58915BE426EFC3E11879B3C80EFFEBEF9E4DF3D0383F03ED5E66BBEFC1DD2BE8118AC3E1CC5A53E14D0D6BE84D45CBEFB43F33EB1E9BE3D8990FFBE1406113DA9E4FA3E8F8F25BEC68FE5BE96EF8D3E7EFCC03E95AABFBE93988FBE60ABE43E3F57293EF27CFABEA5FA20BD63ACFF3E1D0CB7BD8EE1F3BEF036593EE8E4D73EA83DA4BE3492ADBE"> : tensor<6x3x3x10xf32>} : () -> tensor<6x3x3x10xf32>
  %b = "tosa.const"() {values = dense<[0.1, 0.2, 0.3, -0.1, -0.2, -0.3]> : tensor<6xf32>} : () -> tensor<6xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.concat %arg0, %arg1, %arg2 {axis = 3 : i32} : (tensor<1x7x7x3xf32>, tensor<1x7x7x5xf32>, tensor<1x7x7x2xf32>) -> tensor<1x7x7x10xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 3.4028235e+38 : f32} : (tensor<1x7x7x10xf32>) -> tensor<1x7x7x10xf32>
  %o = tosa.conv2d %r, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x7x7x10xf32>, tensor<6x3x3x10xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x6xf32>
  return %o : tensor<1x4x4x6xf32>
}

//--- kernel.mlir
// Two inputs, multiplier 2, stride 2, dilation 2, a per-channel bias.
func.func @kernel(%arg0: tensor<1x8x8x1xf32>, %arg1: tensor<1x8x8x2xf32>) -> tensor<1x4x4x6xf32> {
  %w = "tosa.const"() {values = dense<[[[[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]], [[0.7, 0.8], [-0.9, 1.0], [0.2, -0.3]], [[0.4, 0.5], [0.6, -0.7], [0.8, 0.9]]], [[[1.0, -1.0], [0.5, -0.5], [0.25, -0.25]], [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [[-0.1, -0.2], [-0.3, -0.4], [-0.5, -0.6]]], [[[0.9, 0.8], [0.7, 0.6], [0.5, 0.4]], [[0.3, 0.2], [0.1, 0.0], [-0.1, -0.2]], [[0.15, 0.25], [0.35, 0.45], [0.55, 0.65]]]]> : tensor<3x3x3x2xf32>} : () -> tensor<3x3x3x2xf32>
  %b = "tosa.const"() {values = dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32>} : () -> tensor<6xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.concat %arg0, %arg1 {axis = 3 : i32} : (tensor<1x8x8x1xf32>, tensor<1x8x8x2xf32>) -> tensor<1x8x8x3xf32>
  %s = tosa.sigmoid %c : (tensor<1x8x8x3xf32>) -> tensor<1x8x8x3xf32>
  %o = tosa.depthwise_conv2d %s, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 2, 2>, pad = array<i64: 2, 1, 2, 1>, stride = array<i64: 2, 2>} : (tensor<1x8x8x3xf32>, tensor<3x3x3x2xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x6xf32>
  return %o : tensor<1x4x4x6xf32>
}

//--- linalg_channel.mlir
// Linalg: three inputs, a 3x3 stride-2 conv accumulating into a bias fill.
func.func @linalg_channel(%a: tensor<1x9x9x2xf32>, %b: tensor<1x9x9x3xf32>, %c: tensor<1x9x9x1xf32>) -> tensor<1x4x4x4xf32> {
  %f = arith.constant dense<[[[[0.1, -0.2, 0.3, -0.4], [0.5, -0.6, 0.7, -0.8], [0.9, -1.0, 0.2, 0.1], [-0.1, 0.3, 0.2, 0.1], [-0.4, 0.5, 0.1, 0.2], [0.3, -0.3, 0.2, -0.2]], [[0.1, -0.1, 0.4, -0.4], [0.5, -0.5, 0.5, 0.4], [0.3, 0.2, 0.1, 0.0], [-0.1, -0.2, -0.3, -0.4], [0.7, -0.7, 0.6, -0.6], [0.5, -0.5, 0.4, -0.4]], [[0.3, -0.3, 0.1, 0.1], [0.1, 0.1, 0.1, -0.1], [-0.1, -0.1, -0.1, 0.9], [0.8, 0.7, 0.6, 0.5], [0.4, 0.3, 0.2, 0.1], [0.0, -0.1, 0.2, -0.3]]], [[[0.4, -0.5, 0.6, -0.7], [0.8, -0.9, 1.0, 0.25], [0.5, 0.75, 1.0, -0.25], [-0.5, -0.75, -1.0, 0.0], [0.5, 0.1, 0.2, 0.3], [0.4, 0.5, 0.6, 0.7]], [[0.8, 0.9, -0.1, -0.2], [-0.3, -0.4, -0.5, -0.6], [-0.7, -0.8, -0.9, 0.15], [0.25, 0.35, 0.45, 0.55], [0.65, 0.75, 0.85, 0.95], [0.05, 0.15, -0.15, -0.05]], [[0.2, 0.4, 0.6, 0.8], [1.0, -0.2, -0.4, -0.6], [-0.8, -1.0, 0.3, 0.6], [0.9, 0.12, 0.24, 0.36], [0.48, 0.6, 0.72, 0.84], [0.96, -0.12, -0.24, -0.36]]], [[[0.11, 0.22, 0.33, 0.44], [0.55, 0.66, 0.77, 0.88], [0.99, -0.11, -0.22, -0.33], [-0.44, -0.55, -0.66, -0.77], [-0.88, -0.99, 0.13, 0.26], [0.39, 0.52, 0.65, 0.78]], [[0.91, -0.13, -0.26, -0.39], [-0.52, -0.65, -0.78, -0.91], [0.17, 0.34, 0.51, 0.68], [0.85, -0.17, -0.34, -0.51], [-0.68, -0.85, 0.19, 0.38], [0.57, 0.76, 0.95, -0.19]], [[-0.38, -0.57, -0.76, -0.95], [0.23, 0.46, 0.69, 0.92], [-0.23, -0.46, -0.69, -0.92], [0.29, 0.58, 0.87, -0.29], [-0.58, -0.87, 0.31, 0.62], [0.93, -0.31, -0.62, -0.93]]]]> : tensor<3x3x6x4xf32>
  %bias = arith.constant 0.25 : f32
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %init = linalg.fill ins(%bias : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %cat = tensor.concat dim(3) %a, %b, %c : (tensor<1x9x9x2xf32>, tensor<1x9x9x3xf32>, tensor<1x9x9x1xf32>) -> tensor<1x9x9x6xf32>
  %o = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%cat, %f : tensor<1x9x9x6xf32>, tensor<3x3x6x4xf32>) outs(%init : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %o : tensor<1x4x4x4xf32>
}

//--- linalg_kernel.mlir
// Linalg: depthwise 3x3 stride 2 over a concat of two inputs.
func.func @linalg_kernel(%a: tensor<1x7x7x2xf32>, %b: tensor<1x7x7x1xf32>) -> tensor<1x3x3x3xf32> {
  %f = arith.constant dense<[[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]], [[-0.1, -0.2, -0.3], [-0.4, -0.5, -0.6], [-0.7, -0.8, -0.9]], [[1.0, 0.0, -1.0], [0.5, 0.25, 0.125], [2.0, -2.0, 0.0]]]> : tensor<3x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x3x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32>
  %c = tensor.concat dim(3) %a, %b : (tensor<1x7x7x2xf32>, tensor<1x7x7x1xf32>) -> tensor<1x7x7x3xf32>
  %o = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%c, %f : tensor<1x7x7x3xf32>, tensor<3x3x3xf32>) outs(%init : tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32>
  return %o : tensor<1x3x3x3xf32>
}
