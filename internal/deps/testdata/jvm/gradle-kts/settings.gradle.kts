rootProject.name = "demo"
include(":app", ":lib")
