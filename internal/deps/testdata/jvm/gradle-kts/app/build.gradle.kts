plugins {
  kotlin("jvm")
}

val retrofitVersion = "3.0.0"

dependencies {
  implementation(projects.lib)
  implementation(libs.okio)
  implementation(libs.jackson.databind)
  implementation("com.squareup.retrofit2:retrofit:$retrofitVersion") // a literal with a val
  implementation("org.slf4j:slf4j-api:${slf4jVersion}")
  api(platform("org.junit:junit-bom:5.13.4"))
  compileOnly("org.jetbrains:annotations:26.1.0")
  runtimeOnly("com.example:computed:${computedElsewhere}")
  testImplementation(libs.bundles.testing)
  testImplementation("org.assertj:assertj-core:3.27.3")
  implementation(deps.custom)
  implementation("com.example.demo:own-module:${project.version}")
}

tasks.register("hello") {
  doLast { println("dependencies { implementation(\"not:a:1.0\") }") }
}
