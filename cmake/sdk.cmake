# libtandem: the SDK (src/sdk, include/tandem.h) as a shared library exporting only the C ABI
# (hidden visibility + a version script; SONAME libtandem.so.MAJOR) and as one static archive
# holding every layer it needs; their install with the `tandem` binary, its data files, a
# CMake package (find_package(Tandem) -> Tandem::tandem) and tandem.pc. docs/SDK.md.

target_include_directories(tandem_sdk PUBLIC ${CMAKE_SOURCE_DIR}/include)
set_target_properties(tandem_sdk PROPERTIES CXX_VISIBILITY_PRESET hidden
                                            VISIBILITY_INLINES_HIDDEN ON)

# `layer` and every layer below it.
function(tandem_layer_closure out layer)
  set(seen ${layer})
  set(todo ${layer})
  while(todo)
    list(POP_FRONT todo cur)
    get_property(below GLOBAL PROPERTY TANDEM_LAYER_LINKS_${cur})
    foreach(b ${below})
      if(NOT b IN_LIST seen)
        list(APPEND seen ${b})
        list(APPEND todo ${b})
      endif()
    endforeach()
  endwhile()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()
tandem_layer_closure(tandem_sdk_layers sdk)

if(NOT CMAKE_POSITION_INDEPENDENT_CODE)
  # The layers are not PIC: no libtandem.so (nor the Java binding on it), no install.
  message(STATUS "CMAKE_POSITION_INDEPENDENT_CODE is OFF: libtandem is not built")
  return()
endif()
set(TANDEM_SDK_LIBS ON)
set(tandem_exports ${CMAKE_SOURCE_DIR}/src/sdk/exports.map)
file(WRITE ${CMAKE_BINARY_DIR}/tandem_shared_empty.cc "")
add_library(tandem_shared SHARED ${CMAKE_BINARY_DIR}/tandem_shared_empty.cc)
target_link_libraries(tandem_shared PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,tandem_sdk>")
target_include_directories(tandem_shared INTERFACE ${CMAKE_SOURCE_DIR}/include)
target_link_options(tandem_shared PRIVATE -Wl,--version-script=${tandem_exports})
if(NOT TANDEM_SANITIZE AND NOT TANDEM_FUZZ)  # (the sanitizer runtimes resolve at load time)
  target_link_options(tandem_shared PRIVATE -Wl,--no-undefined)
endif()
set_target_properties(tandem_shared PROPERTIES
  OUTPUT_NAME tandem VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}
  LINK_DEPENDS ${tandem_exports})

# The static archive: the objects of the SDK and of every layer below it, so that an app
# links libtandem.a plus the system libraries tandem-static.pc names.
set(tandem_static_objects)
foreach(layer ${tandem_sdk_layers})
  list(APPEND tandem_static_objects $<TARGET_OBJECTS:tandem_${layer}>)
endforeach()
add_library(tandem_static STATIC ${tandem_static_objects})
set_target_properties(tandem_static PROPERTIES OUTPUT_NAME tandem)

# --- install ---
set(TANDEM_DATA_INSTALL_DIR ${CMAKE_INSTALL_DATADIR}/tandem)
install(TARGETS tandem RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS tandem_shared tandem_static
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES ${CMAKE_SOURCE_DIR}/include/tandem.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# Data files, found relative to the prefix (router/data_files.h): <prefix>/share/tandem/...
install(FILES ${CMAKE_SOURCE_DIR}/data/intent/intent_model.bin
        DESTINATION ${TANDEM_DATA_INSTALL_DIR}/intent)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/policies/ DESTINATION ${TANDEM_DATA_INSTALL_DIR}/policies)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/bindings/python/tandem
        DESTINATION ${TANDEM_DATA_INSTALL_DIR}/python PATTERN __pycache__ EXCLUDE)

# pkg-config: tandem.pc (the shared library) and tandem-static.pc (libtandem.a + its
# dependencies). Paths relative to ${pcfiledir}, so a relocated prefix still works.
file(RELATIVE_PATH tandem_pc_to_prefix
     /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
set(TANDEM_PC_PREFIX "\${pcfiledir}/${tandem_pc_to_prefix}")
set(TANDEM_STATIC_REQUIRES "spdlog fmt libhwy libpcre2-8 re2 tomlplusplus cpp-httplib")
configure_file(${CMAKE_SOURCE_DIR}/cmake/tandem.pc.in ${CMAKE_BINARY_DIR}/tandem.pc @ONLY)
configure_file(${CMAKE_SOURCE_DIR}/cmake/tandem-static.pc.in ${CMAKE_BINARY_DIR}/tandem-static.pc
               @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/tandem.pc ${CMAKE_BINARY_DIR}/tandem-static.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# CMake package: find_package(Tandem) -> Tandem::tandem (shared).
set(tandem_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/Tandem)
file(RELATIVE_PATH TANDEM_CONFIG_TO_PREFIX /prefix/${tandem_cmake_dir} /prefix)
configure_file(${CMAKE_SOURCE_DIR}/cmake/TandemConfig.cmake.in
               ${CMAKE_BINARY_DIR}/TandemConfig.cmake @ONLY)
include(CMakePackageConfigHelpers)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/TandemConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_BINARY_DIR}/TandemConfig.cmake ${CMAKE_BINARY_DIR}/TandemConfigVersion.cmake
        DESTINATION ${tandem_cmake_dir})

# --- Java binding (bindings/java): JNI library + tandem.jar, with Debian's default-jdk ---
find_package(Java 11 COMPONENTS Development)
find_package(JNI)
if(Java_FOUND AND JNI_FOUND)
  include(UseJava)
  add_library(tandem_jni SHARED ${CMAKE_SOURCE_DIR}/bindings/java/jni/tandem_jni.cc)
  target_include_directories(tandem_jni PRIVATE ${JNI_INCLUDE_DIRS})
  target_link_libraries(tandem_jni PRIVATE tandem_shared)
  set_target_properties(tandem_jni PROPERTIES CXX_VISIBILITY_PRESET hidden
                                              INSTALL_RPATH "\$ORIGIN")
  file(GLOB tandem_java_srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/bindings/java/src/dev/tandem/*.java)
  set(CMAKE_JAVA_COMPILE_FLAGS -encoding UTF-8 --release 11)
  add_jar(tandem_java SOURCES ${tandem_java_srcs} OUTPUT_NAME tandem)
  install(TARGETS tandem_jni LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install_jar(tandem_java DESTINATION ${CMAKE_INSTALL_DATADIR}/java)
  set(TANDEM_JAVA ON)
else()
  message(STATUS "no JDK (apt-get install default-jdk): the Java binding is not built")
endif()
