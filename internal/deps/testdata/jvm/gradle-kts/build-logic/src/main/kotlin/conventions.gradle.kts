dependencies {
  "implementation"(libs.kotlin.stdlib)
  add("implementation", "com.example:via-add:1.0")
}
