// Function names as people read them (traces/include/mcuprof/traces/function_names.hpp): C++
// symbols demangled, and short names for tables that stay distinct and fit a terminal.
#include <gtest/gtest.h>

#include "mcuprof/traces/function_names.hpp"

using mcuprof::traces::demangle;
using mcuprof::traces::short_function_names;

TEST(FunctionNames, CxxSymbolsAreDemangledOthersKept) {
  EXPECT_EQ(demangle("_ZN6tflite16MicroInterpreter6InvokeEv"),
            "tflite::MicroInterpreter::Invoke()");
  EXPECT_EQ(demangle("_ZN6tflite12_GLOBAL__N_14EvalEP13TfLiteContextP10TfLiteNode"),
            "tflite::(anonymous namespace)::Eval(TfLiteContext*, TfLiteNode*)");
  EXPECT_EQ(demangle("main"), "main");
  EXPECT_EQ(demangle("arm_convolve_s8"), "arm_convolve_s8");
  EXPECT_EQ(demangle("_Znot_a_symbol"), "_Znot_a_symbol");  // not mangled after all: kept
}

TEST(FunctionNames, ShortNamesDropArgumentsAndUnneededQualifiers) {
  const std::vector<std::string> names = {
      "tflite::MicroInterpreter::Invoke()",
      "tflite::MicroInterpreter::InvokeSubgraph(int)",
      "tflite::(anonymous namespace)::Eval(TfLiteContext*, TfLiteNode*)",
      "tflite::reference_integer_ops::Eval(int const&)",
      "std::vector<int, std::allocator<int> >::push_back(int const&)",
      "arm_convolve_s8",
      "tflite::ops::micro::Register_CONV_2D()",
      "TfLiteStatus tflite::(anonymous namespace)::EvalQuantizedPerChannel<signed char>(int)",
      "operator new(unsigned int)",
  };
  const auto s = short_function_names(names);
  ASSERT_EQ(s.size(), names.size());
  EXPECT_EQ(s[0], "Invoke");
  EXPECT_EQ(s[1], "InvokeSubgraph");
  // Two Evals: each keeps the qualifier that tells them apart.
  EXPECT_EQ(s[2], "(anonymous namespace)::Eval");
  EXPECT_EQ(s[3], "reference_integer_ops::Eval");
  EXPECT_EQ(s[4], "push_back");
  EXPECT_EQ(s[5], "arm_convolve_s8");
  EXPECT_EQ(s[6], "Register_CONV_2D");
  // A template function's return type is not part of its name; an operator keeps its word.
  EXPECT_EQ(s[7], "EvalQuantizedPerChannel");
  EXPECT_EQ(s[8], "operator new");
}

TEST(FunctionNames, OverloadsKeepTheirArgumentsAndLongNamesFit) {
  const auto s = short_function_names({"ns::f(int)", "ns::f(float)", "g()"}, 10);
  EXPECT_EQ(s[0], "ns::f(int)");
  EXPECT_EQ(s[1], "…f(float)");  // the end, where the name's own part is
  EXPECT_EQ(s[2], "g");
  // A name that is all brackets stays as it is.
  EXPECT_EQ(short_function_names({"(no symbol)", "main"})[0], "(no symbol)");
  // Operators keep their symbol.
  EXPECT_EQ(short_function_names({"Foo::operator()(int)", "Foo::operator<(Foo const&)"})[0],
            "operator()");
}

TEST(FunctionNames, TheSameFunctionTwiceIsNotAnOverload) {
  // One entry per call path or layer: a name repeated is still one function.
  const auto s = short_function_names(
      {"tflite::MicroInterpreter::Invoke()", "ns::g(int)", "tflite::MicroInterpreter::Invoke()"});
  EXPECT_EQ(s[0], "Invoke");
  EXPECT_EQ(s[1], "g");
  EXPECT_EQ(s[2], "Invoke");
}
