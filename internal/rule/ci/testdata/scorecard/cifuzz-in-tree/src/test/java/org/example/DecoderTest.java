package org.example;

import com.code_intelligence.jazzer.junit.FuzzTest;

class DecoderTest {
  @FuzzTest
  void decode(byte[] data) {}
}
